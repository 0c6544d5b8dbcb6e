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

/** What a dossier is found by besides its code: the applicant's name, phone and ID number, folded. */
export function caseSearchText(applicant: { name?: unknown; phone?: unknown; id_number?: unknown }): string {
  const parts = [applicant.name, applicant.phone, applicant.id_number].filter((p): p is string => typeof p === 'string');
  // A phone number is found with or without its spaces, dots and dashes.
  const phone = typeof applicant.phone === 'string' ? applicant.phone.replace(/[^0-9+]/g, '') : '';
  return foldForSearch([...parts, phone].join(' '));
}
