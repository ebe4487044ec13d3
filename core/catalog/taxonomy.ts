import type { Language } from "../users/user-model.ts";

type Label = Record<Language, string>;

/** The fixed job categories (ids are stable; labels are shown in the person's language). */
export const CATEGORIES = {
  it: { en: "IT & Software", my: "အိုင်တီနှင့် ဆော့ဖ်ဝဲ" },
  sales: { en: "Sales & Marketing", my: "အရောင်းနှင့် စျေးကွက်ရှာဖွေရေး" },
  finance: { en: "Accounting & Finance", my: "စာရင်းကိုင်နှင့် ငွေကြေး" },
  hospitality: { en: "Hotels & Restaurants", my: "ဟိုတယ်နှင့် စားသောက်ဆိုင်" },
  driving: { en: "Drivers & Logistics", my: "ယာဉ်မောင်းနှင့် ပို့ဆောင်ရေး" },
  factory: { en: "Factory & Production", my: "စက်ရုံနှင့် ထုတ်လုပ်ရေး" },
  health: { en: "Health", my: "ကျန်းမာရေး" },
  education: { en: "Education", my: "ပညာရေး" },
  construction: { en: "Construction", my: "ဆောက်လုပ်ရေး" },
  office: { en: "Office & Admin", my: "ရုံးနှင့် စီမံရေး" },
  service: { en: "Customer Service", my: "ဖောက်သည် ဝန်ဆောင်မှု" },
  security: { en: "Security", my: "လုံခြုံရေး" },
} as const satisfies Record<string, Label>;
export type CategoryId = keyof typeof CATEGORIES;
export const CATEGORY_IDS = Object.keys(CATEGORIES) as CategoryId[];

/** Myanmar's states and regions (and the union territory), each with the townships jobs are posted in. */
export const REGIONS = {
  yangon: {
    name: { en: "Yangon Region", my: "ရန်ကုန်တိုင်းဒေသကြီး" },
    townships: {
      kamayut: { en: "Kamayut", my: "ကမာရွတ်" },
      hlaing: { en: "Hlaing", my: "လှိုင်" },
      sanchaung: { en: "Sanchaung", my: "စမ်းချောင်း" },
      mayangone: { en: "Mayangone", my: "မရမ်းကုန်း" },
      thingangyun: { en: "Thingangyun", my: "သင်္ဃန်းကျွန်း" },
      hlaingtharya: { en: "Hlaingtharya", my: "လှိုင်သာယာ" },
      insein: { en: "Insein", my: "အင်းစိန်" },
      botahtaung: { en: "Botahtaung", my: "ဗိုလ်တထောင်" },
    },
  },
  mandalay: {
    name: { en: "Mandalay Region", my: "မန္တလေးတိုင်းဒေသကြီး" },
    townships: {
      chanayethazan: { en: "Chanayethazan", my: "ချမ်းအေးသာဇံ" },
      mahaaungmye: { en: "Mahaaungmye", my: "မဟာအောင်မြေ" },
      chanmyathazi: { en: "Chanmyathazi", my: "ချမ်းမြသာစည်" },
      pyinoolwin: { en: "Pyin Oo Lwin", my: "ပြင်ဦးလွင်" },
    },
  },
  naypyitaw: {
    name: { en: "Nay Pyi Taw", my: "နေပြည်တော်" },
    townships: { zabuthiri: { en: "Zabuthiri", my: "ဇမ္ဗူသီရိ" }, pobbathiri: { en: "Pobbathiri", my: "ပုဗ္ဗသီရိ" } },
  },
  bago: {
    name: { en: "Bago Region", my: "ပဲခူးတိုင်းဒေသကြီး" },
    townships: { bago: { en: "Bago", my: "ပဲခူး" }, taungoo: { en: "Taungoo", my: "တောင်ငူ" } },
  },
  ayeyarwady: {
    name: { en: "Ayeyarwady Region", my: "ဧရာဝတီတိုင်းဒေသကြီး" },
    townships: { pathein: { en: "Pathein", my: "ပုသိမ်" }, hinthada: { en: "Hinthada", my: "ဟင်္သာတ" } },
  },
  mon: {
    name: { en: "Mon State", my: "မွန်ပြည်နယ်" },
    townships: { mawlamyine: { en: "Mawlamyine", my: "မော်လမြိုင်" }, thaton: { en: "Thaton", my: "သထုံ" } },
  },
  shan: {
    name: { en: "Shan State", my: "ရှမ်းပြည်နယ်" },
    townships: { taunggyi: { en: "Taunggyi", my: "တောင်ကြီး" }, lashio: { en: "Lashio", my: "လားရှိုး" } },
  },
  sagaing: {
    name: { en: "Sagaing Region", my: "စစ်ကိုင်းတိုင်းဒေသကြီး" },
    townships: { monywa: { en: "Monywa", my: "မုံရွာ" }, sagaing: { en: "Sagaing", my: "စစ်ကိုင်း" } },
  },
  magway: {
    name: { en: "Magway Region", my: "မကွေးတိုင်းဒေသကြီး" },
    townships: { magway: { en: "Magway", my: "မကွေး" }, pakokku: { en: "Pakokku", my: "ပခုက္ကူ" } },
  },
  tanintharyi: {
    name: { en: "Tanintharyi Region", my: "တနင်္သာရီတိုင်းဒေသကြီး" },
    townships: { dawei: { en: "Dawei", my: "ထားဝယ်" }, myeik: { en: "Myeik", my: "မြိတ်" } },
  },
  kachin: {
    name: { en: "Kachin State", my: "ကချင်ပြည်နယ်" },
    townships: { myitkyina: { en: "Myitkyina", my: "မြစ်ကြီးနား" } },
  },
  rakhine: {
    name: { en: "Rakhine State", my: "ရခိုင်ပြည်နယ်" },
    townships: { sittwe: { en: "Sittwe", my: "စစ်တွေ" } },
  },
  kayin: { name: { en: "Kayin State", my: "ကရင်ပြည်နယ်" }, townships: { hpaan: { en: "Hpa-An", my: "ဘားအံ" } } },
  kayah: { name: { en: "Kayah State", my: "ကယားပြည်နယ်" }, townships: { loikaw: { en: "Loikaw", my: "လွိုင်ကော်" } } },
  chin: { name: { en: "Chin State", my: "ချင်းပြည်နယ်" }, townships: { hakha: { en: "Hakha", my: "ဟားခါး" } } },
} as const satisfies Record<string, { name: Label; townships: Record<string, Label> }>;
export type RegionId = keyof typeof REGIONS;
export const REGION_IDS = Object.keys(REGIONS) as RegionId[];

export function townshipsOf(region: RegionId): string[] {
  return Object.keys(REGIONS[region].townships);
}

export function townshipLabel(region: RegionId, township: string): Label | undefined {
  return (REGIONS[region].townships as Record<string, Label>)[township];
}

/** Where a job is, for people: `Hlaing, Yangon Region` / `လှိုင်, ရန်ကုန်တိုင်းဒေသကြီး`. */
export function placeLabel(region: RegionId, township: string, language: Language): string {
  return `${townshipLabel(region, township)?.[language] ?? township}, ${REGIONS[region].name[language]}`;
}

export const EMPLOYMENT_TYPES = {
  full_time: { en: "Full time", my: "အချိန်ပြည့်" },
  part_time: { en: "Part time", my: "အချိန်ပိုင်း" },
  contract: { en: "Contract", my: "စာချုပ်ဖြင့်" },
  daily: { en: "Daily wage", my: "နေ့စား" },
} as const satisfies Record<string, Label>;
export type EmploymentType = keyof typeof EMPLOYMENT_TYPES;
