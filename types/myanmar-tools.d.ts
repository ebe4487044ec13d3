declare module "myanmar-tools" {
  export class ZawgyiDetector {
    /** 0..1, or -Infinity when the text has no Myanmar code points. */
    getZawgyiProbability(text: string): number;
  }
  export class ZawgyiConverter {
    zawgyiToUnicode(text: string): string;
    unicodeToZawgyi(text: string): string;
    normalizeZawgyi(text: string): string;
  }
  const tools: { ZawgyiDetector: typeof ZawgyiDetector; ZawgyiConverter: typeof ZawgyiConverter };
  export default tools;
}
