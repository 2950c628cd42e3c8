/** The few words of the device's own screen, in the operator's language (from `welcome.settings`). */
export type Lang = 'en' | 'ru';

const en = {
  connected: 'Connected', listening: 'Listening', hearing: 'Hearing you', speaking: 'Speaking',
  connecting: 'Connecting…', reconnecting: 'Reconnecting…', stopped: 'Stopped',
  offline: 'No connection — answers are kept and sent when it is back',
  start: 'Start', ok: 'OK', clear: 'Clear', heard: 'Heard', micOff: 'Microphone unavailable: use the buttons',
  ready: 'Ready', yes: 'Yes', no: 'No', repeat: 'Repeat', skip: 'Skip', short: 'Short', help: 'Help', cancel: 'Cancel',
  signoff: 'Sign off', back: 'Back', next: 'Next', damaged: 'Damaged', empty: 'Empty',
  notProvisioned: 'This device is not provisioned. Scan its QR code or enter its id and token.',
  deviceId: 'Device id', token: 'Token', save: 'Save',
  ended: 'Session ended', auth: 'Device not accepted: provision it again', revoked: 'This device has been revoked',
  protocol: 'App error: please report it', version: 'Please update the app', replaced: 'Opened on another screen',
  unknown: 'Disconnected', update: 'A new app version is available', install: 'Install',
};
const ru: typeof en = {
  connected: 'Подключено', listening: 'Слушаю', hearing: 'Слышу вас', speaking: 'Говорю',
  connecting: 'Подключение…', reconnecting: 'Переподключение…', stopped: 'Остановлено',
  offline: 'Нет связи — ответы сохранены и будут отправлены',
  start: 'Начать', ok: 'OK', clear: 'Стереть', heard: 'Услышано', micOff: 'Микрофон недоступен: используйте кнопки',
  ready: 'Готов', yes: 'Да', no: 'Нет', repeat: 'Повтори', skip: 'Пропустить', short: 'Недостача', help: 'Помощь', cancel: 'Отмена',
  signoff: 'Выход', back: 'Назад', next: 'Дальше', damaged: 'Брак', empty: 'Пусто',
  notProvisioned: 'Устройство не зарегистрировано. Отсканируйте QR-код или введите id и токен.',
  deviceId: 'Id устройства', token: 'Токен', save: 'Сохранить',
  ended: 'Сеанс завершён', auth: 'Устройство не принято: зарегистрируйте заново', revoked: 'Устройство отозвано',
  protocol: 'Ошибка приложения: сообщите о ней', version: 'Обновите приложение', replaced: 'Открыто на другом экране',
  unknown: 'Отключено', update: 'Доступна новая версия приложения', install: 'Установить',
};

export type Key = keyof typeof en;
const tables: Record<Lang, typeof en> = { en, ru };

export function t(lang: Lang, key: Key): string { return tables[lang][key]; }

/** Label for a command word of `expect.commands` (unknown commands are shown as they are). */
export function commandLabel(lang: Lang, command: string): string {
  const k = command.toLowerCase().replace(/[\s-]+/g, '') as Key;
  return Object.hasOwn(en, k) ? tables[lang][k] : command;
}
