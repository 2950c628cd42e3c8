/** English and Russian UI text. `t(key)` reads the current language; the App re-renders on change. */

const en = {
  appName: 'Voiceman console', signIn: 'Sign in', signOut: 'Sign out', userName: 'User name', password: 'Password',
  badCredentials: 'Wrong user name or password.', rateLimited: 'Too many attempts. Try again in {s} s.',
  floor: 'Live floor', history: 'Dialog history', operators: 'Operators', devices: 'Devices', settings: 'Process settings',
  users: 'Users', sites: 'Sites', audit: 'Audit log', charts: 'Charts', site: 'Site',
  operator: 'Operator', device: 'Device', step: 'Step', lastPrompt: 'Last prompt', lastAnswer: 'Last answer',
  confidence: 'Confidence', latency: 'Latency', picksPerHour: 'Picks/h', noMatchRate: 'No-match', started: 'Started',
  noSessions: 'No active sessions.', live: 'live', reconnecting: 'reconnecting…', open: 'Open',
  session: 'Session', transcript: 'Transcript', time: 'Time', kind: 'Kind', text: 'Text', noMatch: 'no match',
  from: 'From', to: 'To', assignment: 'Assignment', search: 'Search', more: 'More', noResults: 'Nothing found.',
  create: 'Create', save: 'Save', cancel: 'Cancel', name: 'Name', externalId: 'Operator ID', language: 'Language',
  pin: 'PIN', pinReset: 'Reset PIN', newPinIs: 'New PIN (shown once): {pin}', enrollment: 'Enrollment', active: 'Active',
  enrolled: 'PIN set', notEnrolled: 'no PIN', label: 'Label', model: 'Model', appVersion: 'App version',
  lastSeen: 'Last seen', revoked: 'revoked', revoke: 'Revoke', provision: 'Provision device', newToken: 'New token',
  tokenOnce: 'One-time token — enter it on the device or scan the code. It is not shown again.',
  online: 'online', offline: 'offline', key: 'Setting', value: 'Value', default: 'Default', reset: 'Reset',
  role: 'Role', sitesOf: 'Sites', displayName: 'Display name', passwordOnce: 'Password (shown once): {pw}',
  timezone: 'Time zone', who: 'Who', action: 'Action', entity: 'Entity', turnsPerMinute: 'Turns per minute',
  avgConfidence: 'Average confidence', lastHour: 'last hour', all: 'all', error: 'Error', yes: 'yes', no: 'no',
  allKinds: 'all kinds', deactivate: 'Deactivate', activate: 'Activate', ended: 'ended', turns: 'turns',
  voiceWords: 'voice: {n} words trained', noVoice: 'voice not trained',
};

type Key = keyof typeof en;

const ru: Record<Key, string> = {
  appName: 'Консоль Voiceman', signIn: 'Войти', signOut: 'Выйти', userName: 'Имя пользователя', password: 'Пароль',
  badCredentials: 'Неверное имя пользователя или пароль.', rateLimited: 'Слишком много попыток. Повторите через {s} с.',
  floor: 'Склад онлайн', history: 'История диалогов', operators: 'Операторы', devices: 'Устройства', settings: 'Настройки процесса',
  users: 'Пользователи', sites: 'Склады', audit: 'Журнал изменений', charts: 'Графики', site: 'Склад',
  operator: 'Оператор', device: 'Устройство', step: 'Шаг', lastPrompt: 'Последняя подсказка', lastAnswer: 'Последний ответ',
  confidence: 'Уверенность', latency: 'Задержка', picksPerHour: 'Отборов/ч', noMatchRate: 'Нераспознано', started: 'Начало',
  noSessions: 'Нет активных сессий.', live: 'онлайн', reconnecting: 'переподключение…', open: 'Открыть',
  session: 'Сессия', transcript: 'Расшифровка', time: 'Время', kind: 'Тип', text: 'Текст', noMatch: 'не распознано',
  from: 'С', to: 'По', assignment: 'Задание', search: 'Найти', more: 'Ещё', noResults: 'Ничего не найдено.',
  create: 'Создать', save: 'Сохранить', cancel: 'Отмена', name: 'Имя', externalId: 'ID оператора', language: 'Язык',
  pin: 'PIN', pinReset: 'Сбросить PIN', newPinIs: 'Новый PIN (показывается один раз): {pin}', enrollment: 'Регистрация', active: 'Активен',
  enrolled: 'PIN задан', notEnrolled: 'нет PIN', label: 'Метка', model: 'Модель', appVersion: 'Версия приложения',
  lastSeen: 'Был в сети', revoked: 'отозвано', revoke: 'Отозвать', provision: 'Подключить устройство', newToken: 'Новый токен',
  tokenOnce: 'Одноразовый токен — введите его на устройстве или отсканируйте код. Больше он не показывается.',
  online: 'в сети', offline: 'не в сети', key: 'Параметр', value: 'Значение', default: 'По умолчанию', reset: 'Сбросить',
  role: 'Роль', sitesOf: 'Склады', displayName: 'Отображаемое имя', passwordOnce: 'Пароль (показывается один раз): {pw}',
  timezone: 'Часовой пояс', who: 'Кто', action: 'Действие', entity: 'Объект', turnsPerMinute: 'Реплик в минуту',
  avgConfidence: 'Средняя уверенность', lastHour: 'последний час', all: 'все', error: 'Ошибка', yes: 'да', no: 'нет',
  allKinds: 'все типы', deactivate: 'Отключить', activate: 'Включить', ended: 'завершена', turns: 'реплик',
  voiceWords: 'голос: обучено слов — {n}', noVoice: 'голос не обучен',
};

export type Lang = 'en' | 'ru';
const dicts: Record<Lang, Record<Key, string>> = { en, ru };
let lang: Lang = (localStorage.getItem('vm.lang') as Lang | null) ?? (navigator.language.startsWith('ru') ? 'ru' : 'en');

export const getLang = (): Lang => lang;
export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem('vm.lang', l);
  document.documentElement.lang = l;
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  let s = dicts[lang][key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
  return s;
}
