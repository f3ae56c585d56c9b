import { ParleyClient } from '@parley/client';
import { createApp, watch } from 'vue';
import App from './App.vue';
import { prefetchRoom } from './components/lazy';
import { ParleySessionKey, createParleySession } from './composables/useParley';
import { applyDocumentLocale, createAppI18n, resolveInitialLocale, setAppLocale } from './i18n';
import { RouterKey, createRouter, parseRoute, readLaunchParams } from './router';
import './styles.css';

const params = readLaunchParams(window.location.search);

const i18n = createAppI18n();
watch(i18n.global.locale, () => applyDocumentLocale(i18n), { immediate: true });

// One SDK client per page. `?relay=1` forces TURN relay (tests, diagnosing NATs);
// `?video=WxH@fps` asks for a smaller camera picture (tests, slow links).
const client = new ParleyClient({
  ...(params.relay ? { iceTransportPolicy: 'relay' as const } : {}),
  ...(params.video ? { videoConstraints: params.video } : {}),
});
window.__parley = client;

const session = createParleySession(client);

const app = createApp(App, { initialName: params.name })
  .use(i18n)
  .provide(ParleySessionKey, session)
  .provide(RouterKey, createRouter());

/**
 * Mount, then resume or connect (in this order: the lobby starts the camera
 * when it mounts, and a resume waits for a capture in progress).
 */
function start(): void {
  app.mount('#app');
  // A reload of a room page this tab was in: come back as the same participant
  // (the SDK keeps the resume token in sessionStorage); otherwise connect early
  // so joining is quick (a failure here is shown when the user joins).
  const launchRoom = parseRoute(window.location.pathname).room;
  if (launchRoom !== null && client.hasStoredSession(launchRoom)) {
    prefetchRoom(); // the room's views, during the resume's round trip
    void session.resumeStored(launchRoom).then((error) => {
      if (error) session.lobbyNotice.value = error;
    });
  } else {
    session.connect().catch(() => {});
  }
}

// The first paint is in the user's language: a catalog other than English
// (a chunk of its own) is fetched first; if that fails, the app shows in English.
const initialLocale = resolveInitialLocale(params.lang, navigator.languages);
if (initialLocale === 'en') {
  start();
} else {
  void setAppLocale(i18n.global, initialLocale)
    .catch(() => {})
    .then(start);
}
