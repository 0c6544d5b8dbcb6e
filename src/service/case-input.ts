/** The shapes clients send for cases, validated at the boundary (HTTP and CLI share them). */
import { z } from 'zod';
import { nameText, noteText } from './text-rules.js';

/** The person who files the dossier. Personal data: kept in the case row, never in the audit log. */
export const Applicant = z
  .strictObject({
    name: nameText(200).describe('Full name (họ và tên).'),
    id_number: z.string().regex(/^\d{12}$/, 'the personal identification number has 12 digits').optional().describe('Số định danh cá nhân (12 digits).'),
    phone: z.string().regex(/^\+?[0-9 .-]{6,20}$/, 'write a phone number with digits only').optional(),
    email: z.email().max(200).optional(),
    address: z.string().max(500).optional(),
  })
  .describe('The applicant (người nộp hồ sơ).');

/** Facts the scorecard needs, set at intake or later by officers. */
export const CaseFlags = z
  .strictObject({
    vneid_authenticated: z.boolean().optional().describe('The applicant authenticated with VNeID.'),
    data_reused: z.boolean().optional().describe('Data was reused from the population database instead of asking for papers.'),
    electronic_result: z.boolean().optional().describe('The result is issued electronically.'),
    synced_to_portal: z.boolean().optional().describe('The dossier is synchronised to the national portal.'),
    fee_payable: z.boolean().optional().describe('The dossier has a fee or charge to pay (the denominator of the online-payment share).'),
    paid_online: z.boolean().optional().describe('Fees were paid online.'),
    digitised: z.boolean().optional().describe('The dossier was digitised.'),
  })
  .describe('Flags the scorecard counts.');

export const OpenCaseBody = z.strictObject({
  procedure: z.string().min(1).max(64).describe('Procedure id; the version in force today is used.'),
  unit: z.string().min(1).max(64).optional().describe("Handling unit; default the officer's home unit."),
  applicant: Applicant,
  data: z.record(z.string(), z.unknown()).describe("The dossier data, validated against the procedure's schema."),
  channel: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'must be 1 (in person), 2 (online) or 3 (public postal service)' }).default(1).describe('1 in person, 2 online, 3 public postal service.'),
  flags: CaseFlags.optional(),
});
export type OpenCaseInput = z.infer<typeof OpenCaseBody>;

export const SendEventBody = z.strictObject({
  type: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'event names are UPPER_SNAKE_CASE, e.g. ACCEPT').max(64),
  input: z.record(z.string(), z.unknown()).optional().describe("The event's input; fields it does not declare are rejected."),
  comment: noteText(z.string().max(2000)).optional().describe('A free note for the history.'),
});
export type SendEventInput = z.infer<typeof SendEventBody>;
