/**
 * What the simulated pickers say. `EchoScript` drives the echo gateway (a spoken answer of real
 * digits streamed as audio, then the same words as a `text` answer that the echo repeats);
 * `IdleScript` never answers (connected, silent sessions).
 */
import type { Answer, PickerInfo, PromptMsg, Script } from './device.ts';

export class EchoScript implements Script {
  answer(_p: PromptMsg, picker: PickerInfo): Answer {
    const len = 2 + Math.floor(picker.rand() * 2);
    let s = '';
    for (let i = 0; i < len; i++) s += String(Math.floor(picker.rand() * 10));
    return { say: s, sendText: true };
  }
}

export class IdleScript implements Script {
  answer(): null { return null; }
}
