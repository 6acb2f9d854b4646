"""Korean opinion lexicon: which predicate stems praise, which complain, and which nouns name a
fault (so that "소음이 없다" praises and "소음이 있다" complains).

Stems are Kiwi lemmas without 다 (VA/VV stems, noun+XSA/XSV joined: 만족스럽, 만족하). A stem
not listed here has no polarity of its own; the review's rating decides it (see
`opinions.polarity`). Written for shopping, food, lodging and film reviews in general, not
for one data set.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a block."""
    return frozenset(text.split())


POSITIVE = _words(
    """
    좋 괜찮 훌륭하 완벽하 만족하 만족스럽 흡족하 최고 짱 대박 강추 굿 추천하 감동 감동적
    감동하 빠르 신속하 편하 편리하 간편하 쉽 예쁘 이쁘 귀엽 깔끔하 깨끗하 튼튼하 견고하
    탄탄하 저렴하 싸 맛있 재밌 재미있 유익하 알차 선명하 조용하 가볍 부드럽 따뜻하 따듯하
    시원하 촉촉하 꼼꼼하 친절하 넉넉하 든든하 고급스럽 세련되 멋있 멋지 적당하 충분하 오래가
    신선하 고소하 달콤하 바삭하 쫄깃하 쫀득하 푸짐하 풍부하 정확하 안정적 쾌적하 아늑하 넓
    포근하 산뜻하 은은하 순하 향긋하 깔끔 착하 잘되 잘맞 잘만들 뛰어나 우수하 탁월하 똑똑하
    넘치 즐겁 행복하 아름답 웃기 짜릿하 흥미롭 신나 생생하 든든 편안하 아담하 가성비 합리적
    실용적 만족 인상적 매력적 완벽 특별하 대단하 기쁘 고맙 감사하 믿음직스럽 믿음직하 유용하
    빵빵하 쫀쫀하 보송하 가뿐하 상쾌하 청결하 정갈하 담백하 진하 참신하 유쾌하 볼만하
    맞 명작 걸작 수작 역작 꿀잼 띵작 환상적 효과적 인생영화 잘하 잘살리 진솔하
    재미나 잘보 잘쓰 잘사 마음에들 흥미진진하 훈훈하 감각적 일품 압권 최고봉 기대이상
    좋아하 잘먹 권하 재구매하 시간가는줄모르 반갑 위대하 순수하 평온하 기억에남 집중이되 ㄹ만하
    """
)

NEGATIVE = _words(
    """
    나쁘 별로 최악 실망 실망하 실망스럽 아쉽 불편하 불만 불만족 불만족스럽 비싸 느리 늦
    더디 지루하 재미없 맛없 시끄럽 무겁 끊기 끊어지 고장나 망가지 찢어지 깨지 부서지 새
    비리 짜 싱겁 눅눅하 딱딱하 뻑뻑하 거칠 거칠하 답답하 더럽 지저분하 냄새나 따갑 끈적이
    끈적하 끈적거리 부족하 형편없 엉망 어색하 유치하 뻔하 억지 좁 불친절하 흐리 흐릿하
    미지근하 어둡 애매하 비추 허접하 조잡하 헐겁 불량 하자 짜증나 짜증 후회하 후회 아깝
    황당하 어이없 별로이 질기 느끼하 텁텁하 밍밍하 시시하 졸리 지겹 식 불안하 불안정하
    헐렁하 조이 쪼이 아프 가렵 번거롭 복잡하 어렵 불쾌하 역하 비위생적 낡 허술하 엉성하
    촌스럽 싼티나 성의없 모자라 심하 떨어지 틀리 지연되 엉터리 노잼 구리
    닳 거슬리 미끄러지 뜯어지 벗겨지 녹슬 흘러내리 졸작 망작 쓰레기 실망적 비효율적 딸리 못하
    심심하 평면적 부러지 헤지 흔들리 진부하 식상하 겉돌 기대이하 수준이하
    싫어하 말리 재구매안하 볼게없 보다못하 혹시나역시나
    """
)

# Every stem with a polarity of its own.
POLAR = POSITIVE | NEGATIVE

# Nouns that name a fault: having one is a complaint, having none or little of it is praise.
FAULT_NOUNS = _words(
    """
    소음 잡음 냄새 악취 불량 하자 끊김 버그 렉 부작용 자극 트러블 기스 흠집 얼룩 먼지
    곰팡이 누수 고장 결함 오류 에러 발열 진동 찌든때 보풀 이염 변색 뾰루지 여드름 각질
    끈적임 비린내 잔향 스크래치 찌그러짐 파손 손상 이물질 털빠짐 유격 딜레이 지연 반품 교환
    환불 문제 불편 불만 탄내 백탁 가려움 따가움 들뜸 뭉침 올풀림 물빠짐 실망 아쉬움
    """
)

# Nouns for a merit: having it is praise, lacking it a complaint ("재미가 있다", "감동이 없다").
# With any other noun 있다 / 없다 state a fact, not an opinion ("타임머신이 있다", "말이 필요
# 없다"), and give no unit.
MERIT_NOUNS = _words(
    """
    재미 잼 감동 매력 효과 효능 여운 의미 교훈 긴장감 스릴 웃음 개성 센스 가치 깊이 몰입감
    볼거리 반전 성의 정성 감성 메시지 보람 쓸모 실속 장점 임팩트 카리스마 존재감 재치 유머
    개연성 현실감 생동감 박진감 긴박감 몰입력 흡입력 짜임새 설득력 완성도 퀄리티
    """
)

# Nouns for the reader's own feelings: "가슴이 아프다", "마음이 먹먹하다" praise a moving film as
# often as they complain, so their polarity is the review's rating.
FEELING_NOUNS = _words("가슴 마음 눈물 코끝 심장")

# Stems that say "more of it" or "less of it": their polarity depends on the noun (소음이 크다 -,
# 화면이 크다 ?), so they count only with a fault noun or, failing that, the rating.
MORE = frozenset({"크", "많", "있", "심하", "강하", "높", "나", "생기", "들", "남"})
# The verbs among them ("냄새가 나요", "소음이 생겨요", "여운이 남는다"): predicates only with a
# fault or merit noun, like 있다 / 없다 ("시간이 나서", "돈이 들어요" state facts).
AMOUNT_VERBS = frozenset({"나", "생기", "들", "남"})
LESS = frozenset({"작", "적", "없", "약하", "낮", "덜하"})

# Nouns a review uses for the product or the experience as a whole ("영화가 재밌다",
# "제품이 좋아요"): their opinions go to the overall aspect.
GENERIC_NOUNS = _words(
    """
    것 거 수 때 정도 생각 점 제품 상품 물건 영화 작품 드라마 시리즈 애니 애니메이션
    이거 이것 이번 그냥 진짜 정말
    구매 주문 사용 전체 전반 모두 다 하나 번 개 느낌 편 부분 쪽 중 듯 뭐 이 그 저
    기분 마음 경험
    """
)

# Said of the thing as a whole, "made well" ("잘 나온 영화", "이번 제품 잘 나왔네요"); of a part,
# the rating decides ("사진이 잘 나와요" praises, "보풀이 잘 나와요" complains).
WELL_MADE = frozenset({"잘나오"})

# Stems whose -게 form says how something happened, not what the thing is like: "무섭게 빨리
# 왔어요", "슬프게도 작아요", "순수하게 맛만 보면", "애매하게 남아서" give no unit.
MANNER_WHEN_ADVERB = _words("무섭 슬프 순수하 애매하 잔잔하 행복하 평온하 착하 위대하 소름돋 먹먹하")

# Genres: a genre word an adjective modifies is the work itself ("심심한 아랍 코미디", "뻔한 로맨스");
# as a subject it may be one element of it ("코미디는 약하다"), so it is not a generic noun.
GENRE_NOUNS = _words(
    """
    코미디 스릴러 멜로 로맨스 로코 호러 공포물 다큐 다큐멘터리 블록버스터 액션물 드라마물 성장물
    스릴러물 코미디물 가족영화 공포영화 액션영화 코미디영화 애니 만화
    """
)

# Works and feelings: what a stem of `IMPLIED_ASPECTS` says of them is no physical aspect
# ("따뜻한 영화", "마음이 따뜻해지는", "가벼운 코미디", "예쁜 영화" judge the work as a whole;
# "따뜻한 패딩", "가벼운 가방" are about 보온 and 무게).
WORK_NOUNS = GENRE_NOUNS | _words(
    """
    영화 작품 드라마 시리즈 애니메이션 소설 책 웹툰 공연 뮤지컬 연극 다큐 이야기 스토리 내용
    마음 기분 가슴
    """
)

# The reader's heart: a feeling said of it is what the work made one feel ("가슴이 먹먹하다").
HEART_NOUNS = _words("가슴")

# Nouns for reviews and ratings themselves: "평점 좋길래 봤는데", "나쁜 리뷰가 없다" judge
# other people's reviews, not the product.
META_NOUNS = _words("평점 별점 리뷰 후기 댓글 평가 평론")

# Predicates that carry an opinion on their own: with no aspect in their clause they describe
# the product as a whole ("재밌어요", "최고", "위대한 영화") and go to the overall aspect. Those
# with no polarity of their own (잔잔하, 먹먹하, 소름돋, 무섭, 슬프, 잘나오: "잔잔한 영화" praises
# in a 5-star review and complains in a 1-star one, "너무 무서워요" praises a horror film, "보풀이
# 잘 나와요" complains) take the rating.
OVERALL = _words(
    """
    좋 괜찮 훌륭하 완벽하 만족하 만족스럽 최고 짱 대박 강추 굿 추천하 감동 감동적 재밌
    재미있 유익하 알차 나쁘 별로 최악 실망하 실망스럽 아쉽 지루하 재미없 시시하 노잼 비추
    후회하 아깝 형편없 유치하 뻔하 짜증나 어이없 황당하 아름답 웃기 흥미롭 인상적 매력적
    대단하 지겹 졸리 감동하 흡족하 명작 걸작 수작 역작 꿀잼 띵작 졸작 망작 쓰레기 환상적
    볼만하 잘만들 참신하 신선하 유쾌하 즐겁 멋있 멋지 인생영화 재미나 잘보 잘쓰 잘사
    마음에들 심심하 흥미진진하 훈훈하 진부하 식상하 기대이상 기대이하 수준이하 권하 말리
    재구매하 재구매안하 볼게없 시간가는줄모르 보다못하 혹시나역시나 반갑 위대하 순수하 잘나오
    잔잔하 먹먹하 소름돋 무섭 슬프 행복하 기억에남 애매하 집중이되 ㄹ만하 따뜻하 따듯하 뭉클하 찡하
    """
)

# Set phrases that judge the whole (`verdicts`): advice ("꼭 보세요": 권하, "사지 마세요": 말리),
# buying again (재구매하, 재구매안하), "볼 게 없다" (볼게없), "시간 가는 줄 몰랐다". Always about the
# whole: `verdicts` reads none after another noun in its clause ("사이즈표 꼭 보세요").
VERDICTS = frozenset({"권하", "말리", "재구매하", "재구매안하", "볼게없", "시간가는줄모르"})

# Verbs that judge through the people (or pets) the thing was for: "아이가 좋아해요", "부모님이
# 싫어하세요", "강아지가 잘 먹어요". They make a unit only with one of `RECIPIENTS` as subject
# ("잘 먹었습니다" is a courtesy, "잘 먹긴 하는데" is about a pet the review does not name), and
# never modifying a noun ("좋아하는 배우" is the reviewer's taste, not a verdict).
RECIPIENT_VERBS = frozenset({"좋아하", "싫어하", "잘먹"})
RECIPIENTS = _words(
    """
    아이 아이들 아기 애기 애 애들 아들 딸 조카 조카들 손주 손자 손녀 초등학생 유치원생 유아
    부모님 부모 엄마 아빠 어머니 아버지 어머님 아버님 시어머니 장모님 어르신 할머니 할아버지
    와이프 아내 남편 신랑 가족 식구 동생 언니 오빠 누나 형 친구 남친 여친 여자친구 남자친구
    강아지 고양이 냥이 댕댕이 반려견 반려묘 애견 우리애 우리아이
    """
)

# Predicates whose aspect is their object ("연기를 잘한다", "연출을 못했다", "소재를 잘 살렸다"):
# stems as `opinions` joins them.
OBJECT_PREDICATES = frozenset({"잘하", "못하", "잘살리"})

# Nouns that only strengthen the predicate ("강력 추천", "배송 완전 빠름", "굿굿"): never an aspect.
INTENSIFIER_NOUNS = _words("강력 완전 적극 대박 정말 진짜 은근 시종일관 굿")

# Evaluative nouns that end a clause without a verb ("가성비 최고", "흡입력 짱", "배송 굿",
# "명작이에요"), or modify a word for the thing as a whole ("최고의 영화", "최악의 제품").
EVALUATIVE_NOUNS = _words(
    """
    최고 짱 대박 강추 굿 별로 최악 비추 실망 감동 만족 불만 노잼 꿀잼 명작 걸작 수작 역작 띵작
    졸작 망작 쓰레기 인생영화 일품 압권 최고봉
    """
)

# Evaluative nouns that judge the thing as a whole: a noun before them modifies them ("레전드
# 명작", "완전 쓰레기") rather than naming an aspect.
WHOLE_NOUNS = _words("명작 걸작 수작 역작 띵작 졸작 망작 쓰레기 꿀잼 노잼 인생영화")

# Words reviewers use for one aspect. e5 vectors of bare aspect words separate synonyms from
# other aspects poorly (AUC 0.83 on 14 synonym and 12 non-synonym pairs: 배송/택배 0.91 but
# 배송/포장 0.91 and 소리/소음 0.94), so the common ones are listed and e5 merges only what is
# nearly identical (`aspects.DEFAULT_THRESHOLD`).
ASPECT_SYNONYMS = (
    ("배송", "택배", "배달", "발송", "도착", "배송속도"),
    ("가격", "가성비", "값", "가격대", "금액", "비용"),
    ("음질", "소리", "사운드", "음향", "음색"),
    ("디자인", "모양", "외관", "생김새", "외형"),
    ("사이즈", "크기", "치수", "핏"),
    ("배터리", "충전", "배터리수명", "배터리시간", "사용시간"),
    ("화면", "디스플레이", "액정", "화질"),
    ("향", "냄새", "향기", "잔향"),
    ("맛", "맛있음", "풍미"),
    ("양", "용량", "분량", "양도"),
    ("포장", "포장상태", "패키지"),
    ("소음", "팬소리", "팬소음", "잡음"),
    ("착용감", "착화감", "착용"),
    ("색상", "색깔", "컬러", "색감", "색"),
    ("품질", "퀄리티", "마감", "마감처리", "완성도"),
    ("재질", "소재", "원단", "촉감"),
    ("서비스", "응대", "친절", "고객센터", "직원"),
    ("조립", "설치", "조립성"),
    ("내구성", "튼튼함"),
    ("무게", "중량"),
    (
        "아이",
        "아이들",
        "아기",
        "애기",
        "애",
        "애들",
        "아들",
        "딸",
        "조카",
        "조카들",
        "손주",
        "손자",
        "손녀",
        "초등학생",
        "유치원생",
        "유아",
        "우리애",
        "우리아이",
    ),
    ("부모님", "부모", "엄마", "아빠", "어머니", "아버지", "어머님", "아버님", "시어머니", "장모님"),
    ("강아지", "반려견", "애견", "댕댕이"),
    ("고양이", "냥이", "반려묘"),
)
ASPECT_CANON = {word: group[0] for group in ASPECT_SYNONYMS for word in group}
# Groups of different people said by the word for all of them when reviews name several
# ("아들이 좋아해요", "조카가 좋아해요": 아이가 좋아한다); other groups keep the reviewers' most
# used word (택배, 가성비). Each is the first word of its `ASPECT_SYNONYMS` group, the key
# `aspects.lemma_key` gives every word of the group.
UMBRELLA_WORDS = frozenset({"아이", "부모님"})

# Predicates that name their aspect: with no aspect in the clause, "무거워요" is about 무게.
IMPLIED_ASPECTS = {
    "무겁": "무게",
    "가볍": "무게",
    "묵직하": "무게",
    "비싸": "가격",
    "싸": "가격",
    "저렴하": "가격",
    "시끄럽": "소음",
    "조용하": "소음",
    "맛있": "맛",
    "맛없": "맛",
    "싱겁": "맛",
    "짜": "맛",
    "달": "맛",
    "고소하": "맛",
    "느끼하": "맛",
    "예쁘": "디자인",
    "이쁘": "디자인",
    "귀엽": "디자인",
    "촌스럽": "디자인",
    "세련되": "디자인",
    "향긋하": "향",
    "냄새나": "냄새",
    "따뜻하": "보온",
    "따듯하": "보온",
    "포근하": "보온",
    "튼튼하": "내구성",
    "견고하": "내구성",
}
