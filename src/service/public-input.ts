/** What citizens send to the public routes (no login), validated at the boundary. */
import { z } from 'zod';
import { messageText, nameText, noteText } from './text-rules.js';
import { RATING_LEVELS } from '../reports/index.js';

/** A dossier code as printed on the receipt. Anything else simply finds nothing. */
export const CaseCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((code) => !/[\p{Cc}\p{Cf}]/u.test(code), 'A dossier code has no control or invisible characters; type it as printed on the receipt, e.g. HT.TS-261129-0001.')
  .describe('The dossier code printed on the receipt (mã hồ sơ).');

/** The PIN printed on the receipt. Loosely checked: a malformed PIN is just a wrong one (the same 404). */
export const Pin = z.string().trim().min(1).max(32).describe('The lookup PIN printed on the receipt (6 digits).');

export const RatingBody = z
  .strictObject({
    pin: Pin,
    level: z.enum(RATING_LEVELS).describe('rat_hai_long (Rất hài lòng), hai_long (Hài lòng) or khong_hai_long (Không hài lòng).'),
    criteria: z
      .record(z.string().max(64), z.number().int().min(1).max(5))
      .optional()
      .describe('Optional scores from 1 (worst) to 5 (best) per criterion; the criteria are listed in config/scorecard.yaml `rating_criteria`.'),
    comment: noteText(z.string().trim().max(2000)).optional().describe('A free comment. It stays with the rating and is never copied into the audit log.'),
  })
  .describe("The citizen's rating of a finished dossier (đánh giá mức độ hài lòng).");
export type RatingInput = z.infer<typeof RatingBody>;

export const FeedbackBody = z
  .strictObject({
    unit: z.string().min(1).max(64).describe('The unit the feedback is addressed to (GET /api/v1/public/units lists them).'),
    content: messageText(5000).describe('Nội dung phản ánh, kiến nghị.'),
    contact: z
      .strictObject({
        name: nameText(100).describe('Họ và tên.'),
        phone: z.string().trim().regex(/^(\+84|0)[0-9]{9,10}$/, 'write a Vietnamese phone number, e.g. 0912345678').describe('Số điện thoại.'),
      })
      .optional()
      .describe('How to reach the sender for the answer; without it the feedback is anonymous.'),
    case_code: CaseCode.optional().describe('The dossier the feedback is about, if any; counted against its unit, so its PIN must come too.'),
    case_pin: Pin.optional().describe('The PIN of that dossier, from its receipt (required with case_code).'),
  })
  .describe('A complaint or recommendation (phản ánh, kiến nghị), opened as a case of the phan-anh-kien-nghi procedure.');
export type FeedbackInput = z.infer<typeof FeedbackBody>;
