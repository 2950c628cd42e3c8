/**
 * The engine's own words (English and Russian): escalations, confirmations, global-word answers,
 * and the normalisation of typed answers (synonyms in both languages → the canonical words).
 */
import type { Language } from './types.ts';

const PHRASES = {
  en: {
    nomatch: 'Sorry.',
    wrong: 'Wrong.',
    supervisor: 'Your supervisor has been called.',
    didYouSay: 'Did you say {answer}? Say yes or no.',
    signOffConfirm: 'Sign off? Say yes or no.',
    signedOff: 'You are signed off.',
    cannotSkip: 'You cannot skip here.',
    howMuchMore: '{lines} lines, {qty} units left.',
    nothingCounted: 'There is nothing left to count here.',
    wmsDown: 'The warehouse system is not answering. Please wait, then say ready. If it goes on, call your supervisor.',
    flowError: 'System error. Please call your supervisor.',
    louder: 'Louder.', softer: 'Softer.', faster: 'Faster.', slower: 'Slower.',
    help_digits: 'Say the {length} check digits.',
    help_number: 'Say a number from {min} to {max}.',
    help_yesno: 'Say yes or no.',
    help_choice: 'Say one of: {options}.',
    help_freeDigits: 'Say the digits, then pause.',
    help_ready: 'Say ready.',
    help_commands: 'You can also say repeat, or help.',
  },
  ru: {
    nomatch: 'Не понял.',
    wrong: 'Неверно.',
    supervisor: 'Вызываю бригадира.',
    didYouSay: 'Вы сказали {answer}? Скажите да или нет.',
    signOffConfirm: 'Выйти из системы? Скажите да или нет.',
    signedOff: 'Вы вышли из системы.',
    cannotSkip: 'Здесь нельзя пропустить.',
    howMuchMore: 'Осталось строк: {lines}, штук: {qty}.',
    nothingCounted: 'Здесь нечего считать.',
    wmsDown: 'Складская система не отвечает. Подождите и скажите готов. Если не поможет, позовите бригадира.',
    flowError: 'Ошибка системы. Позовите бригадира.',
    louder: 'Громче.', softer: 'Тише.', faster: 'Быстрее.', slower: 'Медленнее.',
    help_digits: 'Назовите контрольные цифры, их {length}.',
    help_number: 'Назовите число от {min} до {max}.',
    help_yesno: 'Скажите да или нет.',
    help_choice: 'Скажите одно из: {options}.',
    help_freeDigits: 'Назовите цифры и сделайте паузу.',
    help_ready: 'Скажите готов.',
    help_commands: 'Можно также сказать повтори или помощь.',
  },
} as const satisfies Record<Language, Record<string, string>>;

export type PhraseKey = keyof (typeof PHRASES)['en'];

export function phrase(lang: Language, key: PhraseKey, vars: Record<string, string | number> = {}): string {
  return PHRASES[lang][key].replace(/\{(\w+)\}/g, (_m, k: string) => (k in vars ? String(vars[k]) : ''));
}

/** Typed or spoken words → the canonical answer / command words the engine matches. */
const SYNONYMS: Record<string, string> = {
  'да': 'yes', 'нет': 'no', 'yeah': 'yes', 'yep': 'yes', 'nope': 'no',
  'готов': 'ready', 'готово': 'ready',
  'повтори': 'say again', 'повторить': 'say again', 'ещё раз': 'say again', 'еще раз': 'say again', 'again': 'say again',
  'помощь': 'help', 'сколько осталось': 'how much more', 'пропустить': 'skip', 'пропуск': 'skip',
  'недостача': 'short', 'выход': 'sign off', 'выйти': 'sign off', 'signoff': 'sign off', 'sign-off': 'sign off',
  'отмена': 'cancel', 'громче': 'talk louder', 'тише': 'talk softer', 'быстрее': 'talk faster', 'медленнее': 'talk slower',
};

/** Lower case, trimmed, single spaces, no end punctuation; "4 2" → "42"; synonyms mapped. */
export function normalizeAnswer(text: string): string {
  let s = text.toLowerCase().normalize('NFC').replace(/[\s\u00a0]+/g, ' ').trim().replace(/[.!?,;]+$/u, '').trim();
  if (/^[0-9](?: ?[0-9])*$/.test(s)) s = s.replace(/ /g, '');
  return SYNONYMS[s] ?? s;
}
