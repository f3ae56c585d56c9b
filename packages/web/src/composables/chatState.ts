import { ClientEvent, type ParleyClient } from '@parley/client';
import type { ChatMessage, PeerId } from '@parley/protocol';
import { readonly, ref, shallowRef, watch } from 'vue';

/**
 * The room's chat as the UI sees it: the SDK keeps the messages (history
 * from the join plus new ones); this adds whether the panel is open and how
 * many messages arrived while it was closed.
 */
export function createChatState(client: ParleyClient, selfId: () => PeerId | null) {
  const messages = shallowRef<readonly ChatMessage[]>([]);
  const open = ref(false);
  /** Messages from others that arrived while the panel was closed (history is not "unread"). */
  const unread = ref(0);

  function sync(): void {
    messages.value = [...client.chat];
  }

  client.on(ClientEvent.ChatMessage, (message) => {
    sync();
    if (!open.value && message.from !== selfId()) unread.value += 1;
  });

  watch(open, (isOpen) => {
    if (isOpen) unread.value = 0;
  });

  function reset(): void {
    messages.value = [];
    unread.value = 0;
    open.value = false;
  }

  /** Send one message; the SDK adds it to `client.chat` (and fires ChatMessage) on the ack. */
  async function send(text: string): Promise<void> {
    await client.sendChat(text);
    sync();
  }

  return { messages, open, unread: readonly(unread), sync, reset, send };
}

export type ChatState = ReturnType<typeof createChatState>;
