/**
 * The folded form dossiers are searched by: lower case, without Vietnamese diacritics (đ as d),
 * spaces collapsed, so "nguyen van an" finds "Nguyễn Văn An" and the reverse. Officers at the
 * desk often type without diacritics.
 */

/** `text` folded: NFD, combining marks removed, đ → d, lower case, single spaces. */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * What a dossier is found by besides its code: the applicant's name, phone, ID number, e-mail and
 * address, folded, each apart (` | `: a search never matches across two of them).
 */
export function caseSearchText(applicant: { name?: unknown; phone?: unknown; id_number?: unknown; email?: unknown; address?: unknown }): string {
  // A phone number is found with or without its spaces, dots and dashes.
  const phoneDigits = typeof applicant.phone === 'string' ? applicant.phone.replace(/[^0-9+]/g, '') : undefined;
  return [applicant.name, applicant.phone, phoneDigits, applicant.id_number, applicant.email, applicant.address]
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .map(foldForSearch)
    .join(' | ');
}
