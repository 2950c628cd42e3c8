/**
 * The echo conversation: until a dialog is configured, a typed answer comes back as a prompt
 * repeating it. Both are logged as turns; audio frames are counted by the socket and dropped.
 */
import type { Conversation, SessionContext } from './session.ts';

export function createEchoConversation(ctx: SessionContext): Conversation {
  const say = (text: string, node: string): void => {
    ctx.send({ type: 'prompt', text, language: ctx.settings.language, bargeIn: true, expect: null, node });
    ctx.logTurn('prompt', { text, flowNode: node });
  };
  return {
    async start(resumed) {
      if (!resumed) say('Connected. Say or type something.', 'echo.start');
    },
    async onText(text) {
      ctx.logTurn('text', { text, flowNode: 'echo' });
      say(text, 'echo');
    },
    async onEvent(name, value) {
      ctx.logTurn('event', { text: value === undefined ? name : `${name}=${value}`, flowNode: 'echo' });
    },
    onAudio() { /* counted by the socket; the echo has no recogniser */ },
    async close() { /* nothing held */ },
  };
}
