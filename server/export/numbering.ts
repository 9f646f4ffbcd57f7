import type { Numbered } from './types';

/**
 * The number a question is printed with in the minutes, the notice and the
 * lists: the same number everywhere, so a row of the list, a line of the
 * minutes and what a citizen was told can be matched. One place to change
 * if the numbering ever comes from elsewhere.
 */
export const questionNumber = (q: Numbered): number => q.sessionNumber;
