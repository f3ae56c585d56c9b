import { ParleyClient } from '@parley/client';
import { createApp, watch } from 'vue';
import App from './App.vue';
import { ParleySessionKey, createParleySession } from './composables/useParley';
import { applyDocumentLocale, createAppI18n, resolveInitialLocale } from './i18n';
import { RouterKey, createRouter, parseRoute, readLaunchParams } from './router';
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

// A reload of a room page this tab was in: come back as the same participant
// (the SDK keeps the resume token in sessionStorage); otherwise connect early
// so joining is quick (a failure here is shown when the user joins).
const launchRoom = parseRoute(window.location.pathname).room;
if (launchRoom !== null && client.hasStoredSession(launchRoom)) {
  void session.resumeStored(launchRoom).then((error) => {
    if (error) session.lobbyNotice.value = error;
  });
} else {
  session.connect().catch(() => {});
}
