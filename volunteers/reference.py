"""The skills taxonomy every installation starts with; each skill serves some group needs
(groups.reference.NEEDS), which is how matching compares people with needs."""

# (code, Chinese name, English name, need codes it serves)
SKILLS = (
    (
        "psychological_counselling",
        "心理咨询",
        "Psychological counselling",
        ("psychological_support",),
    ),
    ("legal_aid", "法律援助", "Legal aid", ("legal_aid", "debt")),
    ("vocational_training", "职业技能培训", "Vocational skills training", ("vocational_skills",)),
    ("employment_guidance", "就业指导", "Employment guidance", ("employment",)),
    ("tutoring", "课业辅导", "Tutoring", ("education",)),
    ("family_mediation", "家庭调解", "Family mediation", ("family_relations",)),
    ("health", "健康咨询", "Health advice", ("health",)),
    ("addiction_recovery", "戒瘾辅导", "Addiction recovery support", ("addiction", "health")),
    ("financial_counselling", "理财与债务咨询", "Financial and debt counselling", ("debt",)),
    ("housing_assistance", "住房协助", "Housing assistance", ("housing",)),
    ("it", "信息技术", "IT skills", ("vocational_skills", "employment")),
    ("driving_instruction", "驾驶培训", "Driving instruction", ("vocational_skills",)),
)

# (code, Chinese name, English name): languages and dialects people can work in.
LANGUAGES = (
    ("mandarin", "普通话", "Mandarin"),
    ("cantonese", "粤语", "Cantonese"),
    ("sichuanese", "四川话", "Sichuanese"),
    ("shanghainese", "上海话", "Shanghainese"),
    ("hakka", "客家话", "Hakka"),
    ("teochew", "潮汕话", "Teochew"),
    ("minnan", "闽南语", "Southern Min"),
    ("ningxia", "宁夏话", "Ningxia dialect"),
    ("english", "英语", "English"),
    ("sign_language", "手语", "Sign language"),
)

# The confidentiality pledge (保密承诺) a person accepts; a new text gets a new version.
PLEDGE_VERSION = "2026-01"
