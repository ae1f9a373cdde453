/** One barcode the stand-in's BarCode recognize and scan routes report (the v4 `BarcodeResponse` model). */
export interface StandInRecognizedBarcode {
  /** The decoded text. */
  barcodeValue: string;
  /** The barcode type, such as `QR` or `Code128`. */
  type: string;
  /** Corners of the barcode in the image. Default: a 100 × 50 box at the origin. */
  region?: readonly { x: number; y: number }[];
  /** The checksum, for types that carry one. Default: absent. */
  checksum?: string;
}

/**
 * The stand-in's BarCode state: what recognize and scan report. It never
 * decodes an image: a test says what was "found", so the result is
 * deterministic.
 */
export class StandInBarcode {
  #recognized: StandInRecognizedBarcode[] = [];
  /** Images received by recognize and scan routes (decoded from base64 or a form's file part), counted. */
  imagesReceived = 0;
  /** The last image received by a recognize or scan route with a body, for assertions. */
  lastImage: Buffer | undefined;

  /** Sets what every recognize and scan answers from now on (`[]`, the default, finds nothing). */
  setRecognized(barcodes: readonly StandInRecognizedBarcode[]): this {
    this.#recognized = barcodes.map((b) => ({ ...b }));
    return this;
  }

  /** What recognize and scan answer now. */
  get recognized(): readonly StandInRecognizedBarcode[] {
    return this.#recognized;
  }

  /** The v4 `BarcodeResponseList` body. @internal */
  responseList(): { barcodes: { barcodeValue: string; type: string; region: { x: number; y: number }[]; checksum?: string }[] } {
    return {
      barcodes: this.#recognized.map((b) => ({
        barcodeValue: b.barcodeValue,
        type: b.type,
        region: (b.region ?? DEFAULT_REGION).map((p) => ({ x: p.x, y: p.y })),
        ...(b.checksum === undefined ? {} : { checksum: b.checksum }),
      })),
    };
  }
}

const DEFAULT_REGION = [
  { x: 0, y: 0 },
  { x: 100, y: 0 },
  { x: 100, y: 50 },
  { x: 0, y: 50 },
];
