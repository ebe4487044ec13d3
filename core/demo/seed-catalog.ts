import type { Connection } from "mongoose";
import { catalogModels, type CompanyDoc, type JobDoc } from "../catalog/catalog-models.ts";
import { REGIONS, type CategoryId, type EmploymentType, type RegionId } from "../catalog/taxonomy.ts";
import { base31 } from "../users/public-id.ts";

/** Deterministic pseudo-random numbers (mulberry32), so the demo catalog is the same on every machine. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMPANIES: Array<[string, string, string]> = [
  ["Golden Lotus Hotel", "ရွှေကြာ ဟိုတယ်", "hr@goldenlotus.example"],
  ["Shwe Taung Construction", "ရွှေတောင် ဆောက်လုပ်ရေး", "jobs@shwetaung.example"],
  ["Myanmar Digital Solutions", "မြန်မာ ဒစ်ဂျစ်တယ် ဆိုလူးရှင်း", "careers@mds.example"],
  ["Royal Garment Factory", "တော်ဝင် အထည်ချုပ်စက်ရုံ", "hr@royalgarment.example"],
  ["City Mart Supermarket", "စီးတီးမတ် စူပါမားကတ်", "jobs@citymart.example"],
  ["Ayeyar Logistics", "ဧရာ ထောက်ပံ့ပို့ဆောင်ရေး", "hr@ayeyar.example"],
  ["Pun Hlaing Clinic", "ပန်းလှိုင် ဆေးခန်း", "hr@punhlaing.example"],
  ["Bright Future Academy", "အနာဂတ်တောက်ပ အကယ်ဒမီ", "jobs@brightfuture.example"],
  ["Yoma Finance", "ရိုးမ ငွေကြေး", "careers@yomafin.example"],
  ["Mandalay Coffee House", "မန္တလေး ကော်ဖီဆိုင်", "hello@mdycoffee.example"],
  ["Safe Guard Security", "ဘေးကင်း လုံခြုံရေး", "jobs@safeguard.example"],
  ["Sunrise Call Center", "နေထွက် ဖုန်းဝန်ဆောင်မှုဌာန", "hr@sunrise.example"],
];

/** Which demo companies plausibly hire for each category (indexes into COMPANIES). */
const EMPLOYERS: Record<CategoryId, number[]> = {
  it: [2, 8, 11],
  sales: [4, 8, 9, 11],
  finance: [8, 4],
  hospitality: [0, 9],
  driving: [5, 3, 4],
  factory: [3, 5],
  health: [6],
  education: [7],
  construction: [1],
  office: [1, 2, 4, 5, 7],
  service: [11, 4, 6, 8],
  security: [10, 1, 3, 4],
};

type Template = {
  title: [string, string];
  description: [string, string];
  salary: [number, number] | null;
  employment: EmploymentType;
};

const TEMPLATES: Record<CategoryId, Template[]> = {
  it: [
    {
      title: ["Web Developer", "ဝက်ဘ် ဆော့ဖ်ဝဲ ရေးသားသူ"],
      description: [
        "Build web applications with JavaScript and PHP. Two years of experience.",
        "JavaScript နှင့် PHP ဖြင့် ဝက်ဘ်အက်ပ်များ ရေးသားရန်။ အတွေ့အကြုံ နှစ်နှစ်။",
      ],
      salary: [800_000, 1_500_000],
      employment: "full_time",
    },
    {
      title: ["IT Support Technician", "အိုင်တီ နည်းပညာ ဝန်ထမ်း"],
      description: ["Fix computers, printers and office networks.", "ကွန်ပျူတာ၊ ပရင်တာနှင့် ရုံးကွန်ရက်များ ပြုပြင်ရန်။"],
      salary: [400_000, 700_000],
      employment: "full_time",
    },
  ],
  sales: [
    {
      title: ["Sales Executive", "အရောင်း ဝန်ထမ်း"],
      description: [
        "Visit shops and grow sales in your township. Motorbike licence needed.",
        "မြို့နယ်အတွင်း ဆိုင်များသို့ သွားရောက်၍ အရောင်းမြှင့်ရန်။ ဆိုင်ကယ်လိုင်စင် လိုအပ်။",
      ],
      salary: [300_000, 600_000],
      employment: "full_time",
    },
    {
      title: ["Cashier", "ငွေကိုင်"],
      description: [
        "Handle the till and help " + "customers at the supermarket.",
        "စူပါမားကတ်တွင် ငွေရှင်းပြီး ဖောက်သည်များကို ကူညီရန်။",
      ],
      salary: [250_000, 350_000],
      employment: "full_time",
    },
  ],
  finance: [
    {
      title: ["Accountant", "စာရင်းကိုင်"],
      description: [
        "Keep the books, prepare monthly reports and taxes. LCCI level 3.",
        "စာရင်းများ ထိန်းသိမ်း၍ လစဉ်အစီရင်ခံစာနှင့် အခွန် ပြင်ဆင်ရန်။ LCCI အဆင့် ၃။",
      ],
      salary: [500_000, 900_000],
      employment: "full_time",
    },
    {
      title: ["Junior Accountant", "လက်ထောက် စာရင်းကိုင်"],
      description: ["Record invoices and payments.", "ငွေတောင်းခံလွှာနှင့် ငွေပေးချေမှုများ မှတ်တမ်းတင်ရန်။"],
      salary: [300_000, 450_000],
      employment: "full_time",
    },
  ],
  hospitality: [
    {
      title: ["Waiter / Waitress", "စားပွဲထိုး"],
      description: [
        "Serve guests in a busy restaurant. Meals provided.",
        "လူစည်သော စားသောက်ဆိုင်တွင် ဧည့်သည်များကို ဝန်ဆောင်ရန်။ ထမင်းကျွေးသည်။",
      ],
      salary: [200_000, 300_000],
      employment: "full_time",
    },
    {
      title: ["Hotel Receptionist", "ဟိုတယ် ဧည့်ကြို"],
      description: [
        "Welcome guests and manage bookings. Basic English.",
        "ဧည့်သည်များကို ကြိုဆို၍ ဘိုကင်များ စီမံရန်။ အခြေခံ အင်္ဂလိပ်စာ။",
      ],
      salary: [300_000, 450_000],
      employment: "full_time",
    },
    {
      title: ["Cook", "စားဖိုမှူး"],
      description: ["Cook Myanmar and Chinese dishes.", "မြန်မာနှင့် တရုတ် ဟင်းလျာများ ချက်ပြုတ်ရန်။"],
      salary: [350_000, 550_000],
      employment: "full_time",
    },
  ],
  driving: [
    {
      title: ["Delivery Driver", "ပစ္စည်းပို့ ကားမောင်းသူ"],
      description: [
        "Drive a light truck and deliver goods. Driving licence (B) required.",
        "ကုန်တင်ကားငယ် မောင်း၍ ပစ္စည်းများ ပို့ဆောင်ရန်။ ယာဉ်မောင်းလိုင်စင် (ခ) လိုအပ်။",
      ],
      salary: [350_000, 500_000],
      employment: "full_time",
    },
    {
      title: ["Company Car Driver", "ကုမ္ပဏီ ကားမောင်းသူ"],
      description: [
        "Drive managers " + "safely around the city.",
        "မန်နေဂျာများကို မြို့တွင်း " + "လုံခြုံစွာ " + "မောင်းနှင်ပို့ဆောင်ရန်။",
      ],
      salary: [300_000, 450_000],
      employment: "full_time",
    },
  ],
  factory: [
    {
      title: ["Sewing Machine Operator", "အပ်ချုပ်စက် အော်ပရေတာ"],
      description: ["Sew garments for export. Overtime available.", "ပို့ကုန် အထည်များ ချုပ်ရန်။ အချိန်ပို ရှိသည်။"],
      salary: [180_000, 280_000],
      employment: "full_time",
    },
    {
      title: ["Warehouse Worker", "ဂိုဒေါင် ဝန်ထမ်း"],
      description: ["Load, unload and count stock.", "ကုန်ပစ္စည်း တင်ချ၍ စာရင်းစစ်ရန်။"],
      salary: null,
      employment: "daily",
    },
  ],
  health: [
    {
      title: ["Staff Nurse", "သူနာပြု"],
      description: [
        "Care for patients at the clinic. Nursing licence required.",
        "ဆေးခန်းတွင် လူနာများကို ပြုစုရန်။ သူနာပြုလိုင်စင် လိုအပ်။",
      ],
      salary: [400_000, 650_000],
      employment: "full_time",
    },
    {
      title: ["Pharmacy Assistant", "ဆေးဆိုင် အကူ"],
      description: ["Help customers and manage medicine stock.", "ဖောက်သည်များကို ကူညီ၍ ဆေးဝါးစာရင်း ထိန်းရန်။"],
      salary: [220_000, 320_000],
      employment: "part_time",
    },
  ],
  education: [
    {
      title: ["English Teacher", "အင်္ဂလိပ်စာ ဆရာ"],
      description: ["Teach English to primary school children.", "မူလတန်း ကလေးများကို အင်္ဂလိပ်စာ သင်ကြားရန်။"],
      salary: [400_000, 700_000],
      employment: "full_time",
    },
    {
      title: ["Tutor", "ကျူရှင်ဆရာ"],
      description: ["Evening tutoring in mathematics.", "ညနေပိုင်း သင်္ချာ ကျူရှင်။"],
      salary: null,
      employment: "part_time",
    },
  ],
  construction: [
    {
      title: ["Site Engineer", "လုပ်ငန်းခွင် အင်ဂျင်နီယာ"],
      description: ["Supervise building work and safety on site.", "ဆောက်လုပ်ရေးလုပ်ငန်းနှင့် ဘေးကင်းရေးကို ကြီးကြပ်ရန်။"],
      salary: [700_000, 1_200_000],
      employment: "contract",
    },
    {
      title: ["Electrician", "လျှပ်စစ်ပညာရှင်"],
      description: ["Install and repair wiring in new buildings.", "အဆောက်အအုံသစ်များတွင် ဝါယာကြိုး တပ်ဆင်ပြုပြင်ရန်။"],
      salary: [350_000, 600_000],
      employment: "contract",
    },
  ],
  office: [
    {
      title: ["Office Assistant", "ရုံးအကူ"],
      description: [
        "Filing, typing in Burmese and English, and running errands.",
        "ဖိုင်တွဲ၊ မြန်မာ/အင်္ဂလိပ် စာစီ၍ ရုံးလုပ်ငန်းများ ကူညီရန်။",
      ],
      salary: [250_000, 380_000],
      employment: "full_time",
    },
    {
      title: ["HR Officer", "ဝန်ထမ်းရေးရာ အရာရှိ"],
      description: ["Recruit staff and keep employee records.", "ဝန်ထမ်းခေါ်ယူ၍ ဝန်ထမ်းမှတ်တမ်းများ ထိန်းသိမ်းရန်။"],
      salary: [500_000, 800_000],
      employment: "full_time",
    },
  ],
  service: [
    {
      title: ["Call Center Agent", "ဖုန်းဝန်ဆောင်မှု ဝန်ထမ်း"],
      description: [
        "Answer customer " + "calls in Burmese. Shifts.",
        "ဖောက်သည်ဖုန်းများကို " + "မြန်မာလို " + "ဖြေကြားရန်။ အလှည့်ကျ။",
      ],
      salary: [280_000, 400_000],
      employment: "full_time",
    },
  ],
  security: [
    {
      title: ["Security Guard", "လုံခြုံရေး ဝန်ထမ်း"],
      description: [
        "Guard the building day or night. Uniform provided.",
        "နေ့ သို့မဟုတ် ညဘက် အဆောက်အအုံ " + "စောင့်ရန်။ ယူနီဖောင်း ပေးသည်။",
      ],
      salary: [220_000, 300_000],
      employment: "full_time",
    },
  ],
};

export const DEMO_JOBS = 240;
/** `JD` + the index in base 31: a valid job id, distinct per index. */
export const demoJobId = (index: number): string => `JD${base31(index, 5)}`;

/**
 * A realistic bilingual catalog: 12 companies and 240 jobs over every category and many townships (local mode, `npm run
 * seed`).
 */
export function demoCatalog(now = new Date(), count = DEMO_JOBS): { companies: CompanyDoc[]; jobs: JobDoc[] } {
  const next = random(20261122);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const companies: CompanyDoc[] = COMPANIES.map(([en, my, contact], i) => ({
    _id: `C${String(i + 1).padStart(3, "0")}`,
    name: { en, my },
    contact,
    verified: i % 3 !== 2,
    billing: {
      perHire: true,
      gateway: (["kbzpay", "wavepay", "ayapay"] as const)[i % 3] ?? "kbzpay",
      contactUserId: null,
    },
    createdAt: now,
  }));
  const categories = Object.keys(TEMPLATES) as CategoryId[];
  const regions = Object.keys(REGIONS) as RegionId[];
  const jobs: JobDoc[] = [];
  for (let i = 0; i < count; i++) {
    const category = categories[i % categories.length] ?? "it";
    const template = pick(TEMPLATES[category]);
    // Most jobs are in Yangon and Mandalay, as in real listings.
    const region: RegionId = next() < 0.45 ? "yangon" : next() < 0.4 ? "mandalay" : pick(regions);
    const township = pick(Object.keys(REGIONS[region].townships));
    const postedAt = new Date(now.getTime() - Math.floor(next() * 30 * 24) * 3600_000);
    const raise = Math.round(next() * 0.3 * 10) * 10_000;
    jobs.push({
      _id: demoJobId(i),
      companyId: companies[pick(EMPLOYERS[category])]?._id ?? "C001",
      title: { en: template.title[0], my: template.title[1] },
      description: { en: template.description[0], my: template.description[1] },
      category,
      region,
      township,
      salaryMin: template.salary === null ? null : template.salary[0] + raise,
      salaryMax: template.salary === null ? null : template.salary[1] + raise,
      employment: template.employment,
      bonus: pick([30_000, 50_000, 50_000, 100_000, 150_000]),
      status: "open",
      postedAt,
      expiresAt: new Date(postedAt.getTime() + 45 * 24 * 3600_000),
      createdBy: "system",
    });
  }
  return { companies, jobs };
}

/** Inserts the demo catalog into an empty catalog; returns how many jobs were added (0 when jobs exist). */
export async function seedDemoCatalog(connection: Connection, now = new Date()): Promise<number> {
  const { Company, Job } = catalogModels(connection);
  if ((await Job.estimatedDocumentCount().exec()) > 0) return 0;
  const { companies, jobs } = demoCatalog(now);
  await Company.insertMany(companies, { ordered: false });
  await Job.insertMany(jobs, { ordered: false });
  return jobs.length;
}
