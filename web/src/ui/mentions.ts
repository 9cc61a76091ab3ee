/** `@username` as the server finds mentions (MessageContracts.MentionPattern): not after a word character or @. */
export const MENTION = /(?<![\w@])@([A-Za-z0-9_]{3,32})\b/g;

export const mentions = (text: string | null, username: string | null | undefined): boolean =>
  !!text && !!username && [...text.matchAll(MENTION)].some((m) => m[1]!.toLowerCase() === username.toLowerCase());
