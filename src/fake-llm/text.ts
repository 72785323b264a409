/** Small text helpers the answer builders share. */

/** Characters per token, the same rough rule the router uses to estimate prompts. */
export const CHARS_PER_TOKEN = 4;

export function words(text: string): string[] {
  return text.match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
}

export function sentences(text: string): string[] {
  return (text.match(/[^.!?\n]+[.!?]*/g) ?? []).map((s) => s.trim()).filter((s) => words(s).length > 0);
}

const STOPWORDS = new Set(
  "a an and are as at be but by for from has have i in is it its of on or our so that the this to was we were will with you your please can could would should about into than then them they there these those what when which who why how not write short long brief describe explain tell give make list".split(
    " ",
  ),
);

/** Distinct content words in order of first use: what a prompt is "about". */
export function topicWords(text: string, limit: number): string[] {
  const seen = new Set<string>();
  for (const word of words(text.toLowerCase())) {
    if (word.length > 3 && !STOPWORDS.has(word)) seen.add(word);
    if (seen.size >= limit) break;
  }
  return [...seen];
}

/** Cuts text to at most `maxChars`, at a word boundary when there is one. */
export function cutAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const space = cut.lastIndexOf(" ");
  return (space > maxChars / 2 ? cut.slice(0, space) : cut).trimEnd();
}
