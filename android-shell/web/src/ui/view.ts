/**
 * Renders the controller's ViewState into the page: a status bar, the offline banner, the
 * prompt, what was heard, and the big buttons / keypad. Plain DOM (no framework): the WebView
 * on a picker's device is small and old. `data-testid` attributes are for the browser tests.
 */
import type { ViewState } from '../controller.ts';
import { keypadValid } from './buttons.ts';
import { t } from './i18n.ts';

export interface ViewActions {
  answer(text: string): void;
  keypad(key: string): void;
  start(): void;
  install(url: string): void;
  provision(deviceId: string, token: string): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export class View {
  private readonly status = el('div', { class: 'status', 'data-testid': 'status', role: 'status' });
  private readonly banner = el('div', { class: 'banner', 'data-testid': 'offline', role: 'alert', hidden: '' });
  private readonly notice = el('div', { class: 'notice', 'data-testid': 'notice', hidden: '' });
  private readonly prompt = el('div', { class: 'prompt', 'data-testid': 'prompt', 'aria-live': 'polite' });
  private readonly heard = el('div', { class: 'heard', 'data-testid': 'heard' });
  private readonly entry = el('div', { class: 'entry', 'data-testid': 'entry' });
  private readonly buttons = el('div', { class: 'buttons', 'data-testid': 'buttons' });
  private readonly keypad = el('div', { class: 'keypad', 'data-testid': 'keypad' });
  private readonly update = el('div', { class: 'update', hidden: '' });
  private readonly startBtn: HTMLButtonElement;
  private shownPromptSeq = -1;
  private shownLang = '';

  constructor(private readonly root: HTMLElement, private readonly actions: ViewActions) {
    this.startBtn = el('button', { class: 'start', 'data-testid': 'start' }, t('en', 'start'));
    this.startBtn.addEventListener('click', () => actions.start());
    root.replaceChildren(this.status, this.banner, this.update, this.notice, this.prompt, this.heard, this.entry, this.buttons, this.keypad, this.startBtn);
  }

  /** Shown before the first tap (browsers need a user gesture for audio). */
  showStart(show: boolean): void { this.startBtn.hidden = !show; }

  /** The form for a browser that has no credentials yet. */
  showProvisioning(): void {
    const id = el('input', { 'data-testid': 'device-id', placeholder: t('en', 'deviceId'), autocomplete: 'off' });
    const token = el('input', { 'data-testid': 'device-token', placeholder: t('en', 'token'), autocomplete: 'off', type: 'password' });
    const save = el('button', { class: 'primary' }, t('en', 'save'));
    save.addEventListener('click', () => this.actions.provision(id.value.trim(), token.value.trim()));
    this.root.replaceChildren(el('p', { class: 'notice' }, t('en', 'notProvisioned')), id, token, save);
  }

  render(v: ViewState): void {
    const L = v.lang;
    const statusKey = v.status === 'stopped' && v.stopReason ? v.stopReason : v.status;
    this.status.textContent = t(L, statusKey);
    this.status.dataset.state = v.status;
    this.banner.hidden = !v.offline;
    this.banner.textContent = t(L, 'offline');
    const notice = !v.micOk ? [t(L, 'micOff'), v.notice].filter(Boolean).join(' · ') : v.notice;
    this.notice.hidden = !notice;
    this.notice.textContent = notice ?? '';
    this.prompt.textContent = v.prompt?.text ?? '';
    this.heard.textContent = v.heard ? `${t(L, 'heard')}: ${v.heard.text}` : '';
    this.entry.textContent = v.entry;
    this.entry.hidden = !v.layout.keypad;
    this.update.hidden = !v.update;
    if (v.update) this.renderUpdate(L, v.update);
    const seq = v.prompt?.seq ?? -1;
    if (seq !== this.shownPromptSeq || L !== this.shownLang) {
      this.shownPromptSeq = seq;
      this.shownLang = L;
      this.renderButtons(v);
    }
    const ok = this.keypad.querySelector<HTMLButtonElement>('[data-key="ok"]');
    if (ok && v.layout.keypad) ok.disabled = !keypadValid(v.layout.keypad, v.entry);
  }

  private renderButtons(v: ViewState): void {
    this.buttons.replaceChildren(...v.layout.buttons.map((b) => {
      const e = el('button', { class: b.kind, 'data-answer': b.answer }, b.label);
      e.addEventListener('click', () => this.actions.answer(b.answer));
      return e;
    }));
    const k = v.layout.keypad;
    if (!k) { this.keypad.replaceChildren(); return; }
    const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', ...(k.autoSubmitLength === null ? ['ok'] : [])];
    this.keypad.replaceChildren(...keys.map((key) => {
      const label = key === 'clear' ? t(v.lang, 'clear') : key === 'ok' ? t(v.lang, 'ok') : key;
      const e = el('button', { 'data-key': key, class: key.length > 1 ? 'command' : 'digit' }, label);
      e.addEventListener('click', () => this.actions.keypad(key));
      return e;
    }));
  }

  private renderUpdate(L: ViewState['lang'], u: { versionName: string; url: string }): void {
    const b = el('button', { class: 'primary' }, `${t(L, 'install')} ${u.versionName}`);
    b.addEventListener('click', () => this.actions.install(u.url));
    this.update.replaceChildren(el('span', {}, t(L, 'update')), b);
  }
}
