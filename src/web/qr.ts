/**
 * QR codes for the receipt (the public lookup address), drawn on the server as SVG by the
 * `qrcode` package, so the page needs no script and no internet.
 */
import QRCode from 'qrcode';
import type { QrEncoder } from './deps.js';

/** Longest text a receipt's QR code carries (an address with a dossier code). */
export const MAX_QR_TEXT = 300;

/** The QR encoder of receipts: SVG, error correction M, a one-module margin. */
export const qrEncoder: QrEncoder = (text) => QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1, width: 160 });
