"""Build lexicon v3 from v2: every change listed here with its reason (rerun to regenerate the v3 files)."""
import csv
from pathlib import Path

LEX = Path(__file__).resolve().parents[4] / "toolkit" / "resources" / "lexicons"

PROVINCES = """an giang, bà rịa - vũng tàu, bạc liêu, bắc giang, bắc kạn, bắc ninh, bến tre, bình dương, bình định,
bình phước, bình thuận, cà mau, cao bằng, cần thơ, đà nẵng, đắk lắk, đắk nông, điện biên, đồng nai, đồng tháp,
gia lai, hà giang, hà nam, hà nội, hà tĩnh, hải dương, hải phòng, hậu giang, hòa bình, hưng yên, khánh hòa,
kiên giang, kon tum, lai châu, lâm đồng, lạng sơn, lào cai, long an, nam định, nghệ an, ninh bình, ninh thuận,
phú thọ, phú yên, quảng bình, quảng nam, quảng ngãi, quảng ninh, quảng trị, sóc trăng, sơn la, tây ninh,
thái bình, thái nguyên, thanh hóa, thừa thiên huế, tiền giang, tp hcm, tp.hcm, thành phố hồ chí minh,
sài gòn, trà vinh, tuyên quang, vĩnh long, vĩnh phúc, yên bái"""
# Cues of a Vietnamese side: the country, its provinces, its state and its people.
VIETNAM = ["việt nam", "việt", "nước ta", "phía việt nam", "phía ta", "tỉnh", "huyện", "chính phủ việt nam",
           "thủ tướng chính phủ", "bộ công thương", "bộ ngoại giao", "bộ quốc phòng", "bộ công an", "ubnd",
           "ủy ban nhân dân", "tỉnh ủy", "biên phòng", "bộ đội biên phòng", "hải quan", "doanh nghiệp việt",
           "hàng việt", "người việt", "lao động việt", "thương hiệu việt", "trong nước"] + \
          [p.strip() for p in PROVINCES.replace("\n", " ").split(",") if p.strip()]

# (theme, term) -> (new context, reason)
RECONTEXT = {
    **{("economic_diplomacy", t): ("foreign+vietnam", "a generic economic word counts only with a foreign and a "
       "Vietnamese side: in news about other countries (a phone maker's market, US-China trade) it is no "
       "relation of Vietnam's")
       for t in ["thị trường", "doanh nghiệp", "tập đoàn", "nhà máy", "hàng hóa", "nông sản", "hàng nông sản",
                 "lao động", "người lao động", "lao động thời vụ", "đầu tư", "nhà đầu tư", "vốn đầu tư",
                 "dự án đầu tư", "thu hút đầu tư", "thương mại", "buôn bán", "giao thương", "du lịch",
                 "du khách", "khách du lịch", "lữ hành", "vốn vay", "khoản vay", "cho vay", "cho vay ưu đãi",
                 "tài trợ", "viện trợ", "hội chợ", "triển lãm", "liên doanh", "khu công nghiệp",
                 "hợp tác kinh tế", "hợp tác đầu tư", "hợp tác thương mại", "hợp tác du lịch",
                 "xúc tiến đầu tư", "xúc tiến thương mại", "cộng đồng kinh tế"]},
    **{("people_to_people", t): ("foreign+vietnam", "culture, exchanges and twinning count only between a "
       "Vietnamese side and a foreign one: film reviews and foreign festivals name a foreign country only")
       for t in ["văn hóa", "giao lưu", "kết nghĩa", "kết nghĩa thôn bản", "quảng bá hình ảnh", "hợp tác văn hóa",
                 "trao đổi đoàn"]},
    **{("border_security", t): ("border+vietnam", "public order and crime words count only with a border or "
       "foreign side and a Vietnamese one: 'kiểm soát đại dịch tại Singapore' is no border security")
       for t in ["an ninh", "trật tự", "an ninh trật tự", "ổn định chính trị", "ổn định an ninh", "quốc phòng",
                 "tội phạm", "ma túy", "vi phạm pháp luật", "tuần tra", "kiểm soát", "truy bắt", "triệt phá",
                 "đường dây", "lừa bán"]},
    **{("border_security", t): ("border", "national security and sovereignty words are border security only "
       "with a border or foreign side; alone they name domestic political security")
       for t in ["an ninh quốc gia", "an ninh chính trị", "chủ quyền"]},
    ("border_security", "cột mốc"): ("security", "'cột mốc' means a milestone in most news (16 of 22 uses in "
       "ordinary news); a border marker only beside border-security words"),
}
DROP = {
    ("border_security", "lừa đảo"): "fraud is ordinary crime; cross-border trafficking is covered by 'lừa bán' and "
                                   "'mua bán người'",
}
BLOCKERS = [
    ("cột mốc quan trọng", "", "a milestone"), ("cột mốc mới", "", "a milestone"), ("cột mốc lịch sử", "", "a milestone"),
    ("đánh dấu cột mốc", "", "a milestone"), ("văn hóa doanh nghiệp", "", "corporate culture"),
    ("văn hóa giao thông", "", "traffic manners"), ("văn hóa học đường", "", "school culture"),
]


def main():
    rows = list(csv.DictReader(open(LEX / "themes_v2.csv", encoding="utf-8")))
    out = []
    for row in rows:
        key = (row["theme"], row["term"])
        if key in DROP:
            continue
        if key in RECONTEXT:
            row = {**row, "context": RECONTEXT[key][0], "note": f"{row['note']} (v3: {RECONTEXT[key][1]})"}
        out.append(row)
    with open(LEX / "themes_v3.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(out)
    contexts = list(csv.DictReader(open(LEX / "contexts_v2.csv", encoding="utf-8")))
    contexts += [{"context": "vietnam", "term": t} for t in dict.fromkeys(VIETNAM)]
    with open(LEX / "contexts_v3.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["context", "term"])
        w.writeheader()
        w.writerows(contexts)
    blockers = list(csv.DictReader(open(LEX / "blockers_v2.csv", encoding="utf-8")))
    blockers += [{"blocker": b, "blocks": k, "note": n} for b, k, n in BLOCKERS]
    with open(LEX / "blockers_v3.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(blockers[0]))
        w.writeheader()
        w.writerows(blockers)
    missing = [k for k in list(RECONTEXT) + list(DROP) if k not in {(r["theme"], r["term"]) for r in rows}]
    assert not missing, missing


if __name__ == "__main__":
    main()
