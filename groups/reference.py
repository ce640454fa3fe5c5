"""The needs taxonomy every installation starts with (loaded by a data migration)."""

# (code, Chinese name, English name)
NEEDS = (
    ("employment", "就业", "Employment"),
    ("vocational_skills", "职业技能", "Vocational skills"),
    ("psychological_support", "心理支持", "Psychological support"),
    ("legal_aid", "法律援助", "Legal aid"),
    ("family_relations", "家庭关系", "Family relations"),
    ("education", "教育", "Education"),
    ("housing", "住房", "Housing"),
    ("health", "健康", "Health"),
    ("addiction", "成瘾戒断", "Addiction recovery"),
    ("debt", "债务", "Debt"),
)
