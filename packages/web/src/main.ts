import { ParleyClient } from '@parley/client';
import { createApp, watch } from 'vue';
import App from './App.vue';
import { ParleySessionKey, createParleySession } from './composables/useParley';
import { applyDocumentLocale, createAppI18n, resolveInitialLocale } from './i18n';
import { RouterKey, createRouter, readLaunchParams } from './router';
import './styles.css';

const params = readLaunchParams(window.location.search);

const i18n = createAppI18n(resolveInitialLocale(params.lang, navigator.languages));
watch(i18n.global.locale, () => applyDocumentLocale(i18n), { immediate: true });

// One SDK client per page. `?relay=1` forces TURN relay (tests, diagnosing NATs);
// `?video=WxH@fps` asks for a smaller camera picture (tests, slow links).
const client = new ParleyClient({
  ...(params.relay ? { iceTransportPolicy: 'relay' as const } : {}),
  ...(params.video ? { videoConstraints: params.video } : {}),
});
window.__parley = client;

const session = createParleySession(client);

createApp(App, { initialName: params.name })
  .use(i18n)
  .provide(ParleySessionKey, session)
  .provide(RouterKey, createRouter())
  .mount('#app');

// Connect early so joining is quick; a failure here is shown when the user joins.
session.connect().catch(() => {});
