"""Opinion units read off Kiwi morphemes: aspects, predicates, negation, clauses, polarity."""

from __future__ import annotations

import pytest

from searchlm import text as korean
from services.review_summary.clipped import unclipped
from services.review_summary.opinions import OVERALL, extract, polarity
from services.review_summary.types import Review

# (review, rating, expected {(aspect, stem, polarity)})
CASES = [
    ("배송이 정말 빨라요", 5, {("배송", "빠르", 1)}),
    ("배터리도 오래가고 음질이 좋네요", 5, {("배터리", "오래가", 1), ("음질", "좋", 1)}),
    ("소음이 좀 있어요", 4, {("소음", "있", -1)}),
    ("냄새가 없어요", 3, {("냄새", "없", 1)}),
    ("소리가 안 좋아요", 5, {("소리", "좋", -1)}),
    ("화질이 선명하지 않아요", 5, {("화질", "선명하", -1)}),
    ("가격 대비 만족스러워요", 4, {("가격", "만족스럽", 1)}),
    ("택배가 늦게 왔어요", 4, {("택배", "늦", -1)}),
    ("디자인은 예쁜데 마감이 별로", 3, {("디자인", "예쁘", 1), ("마감", "별로", -1)}),
    ("맛은 좋지만 양이 적어요", 2, {("맛", "좋", 1), ("양", "적", -1)}),
    ("착용감이 편해요", 5, {("착용감", "편하", 1)}),
    ("흡입력 짱", 5, {("흡입력", "짱", 1)}),
    ("가성비 최고입니다", 5, {("가성비", "최고", 1)}),
    ("스토리가 지루했다", 2, {("스토리", "지루하", -1)}),
    ("끊김이 심해요", 2, {("끊김", "심하", -1)}),
    ("포장이 꼼꼼하게 되어 있었어요", 5, {("포장", "꼼꼼하", 1)}),
    ("사이즈가 딱 맞아요", 5, {("사이즈", "맞", 1)}),
    ("사이즈가 안 맞아요", 2, {("사이즈", "맞", -1)}),
    ("배터리수명이 짧아요", 1, {("배터리수명", "짧", -1)}),
    ("너무 재밌어요 최고", 5, {(OVERALL, "재밌", 1), (OVERALL, "최고", 1)}),
    ("이 영화 진짜 최고다", 5, {(OVERALL, "최고", 1)}),
    ("재미없다", 1, {(OVERALL, "재미없", -1)}),
    ("추천합니다", 5, {(OVERALL, "추천하", 1)}),
    ("생각보다 별로네요", 2, {(OVERALL, "별로", -1)}),
    ("연기가 별로였다", 3, {("연기", "별로", -1)}),
    # the subject stays through other cases; a predicate may name its own aspect
    ("음질이 생각보다 훨씬 좋아요", 5, {("음질", "좋", 1)}),
    ("케이스가 주머니에 잘 맞아요", 5, {("케이스", "잘맞", 1)}),
    ("너무 무거워요", 2, {("무게", "무겁", -1)}),
    ("좀 비싸요", 3, {("가격", "비싸", -1)}),
    ("문제가 없어요", 5, {("문제", "없", 1)}),
    # 있다 / 없다 judge only with a merit (or a fault) noun; with any other noun they state facts
    ("재미가 있어요", 5, {("재미", "있", 1)}),
    ("감동이 없다", 2, {("감동", "없", -1)}),
    ("집중이 하나도 안 됨", 1, {(OVERALL, "집중이되", -1)}),
    ("무게가 집중돼서 어깨가 아파요", 2, {("어깨", "아프", -1)}),  # 집중되다 alone judges nothing
    ("쿠폰이 있어요", 5, set()),
    ("타임머신이 있다", 5, set()),
    ("말이 필요없다", 5, set()),
    # feelings of the reader take the rating: a moving film "hurts"
    ("가슴이 아프다", 5, {("가슴", "아프", 1)}),
    ("가슴이 아프다", 1, {("가슴", "아프", -1)}),
    # evaluative nouns and 적-adjectives about the thing as a whole
    ("유쾌하고 감동적이다.", 5, {(OVERALL, "유쾌하", 1), (OVERALL, "감동적", 1)}),
    ("명작입니다.", 5, {(OVERALL, "명작", 1)}),
    ("레전드 명작인데 왜 평점이 이래", 5, {(OVERALL, "명작", 1)}),
    ("그냥꿀잼ㅋㅋ", 5, {(OVERALL, "꿀잼", 1)}),
    ("이건 졸작이다", 1, {(OVERALL, "졸작", -1)}),
    ("인생 최고의 영화", 5, {(OVERALL, "최고", 1)}),
    # an evaluative noun modifying anything else is not a predicate
    ("최고의 배우가 나온다", 5, set()),
    ("대박 세일 중이라 샀어요", 5, set()),
    # no opinion: facts, purchases, a size on an unrated review
    ("잘 받았습니다", 5, set()),
    ("선물용으로 샀어요", 5, set()),
    ("케이스가 작아요", 0, set()),
    # a verb that is not an opinion does not take the clause's noun
    ("주머니에 쏙 들어갔어요", 5, set()),
    # worth seeing, well made, a recommendation (the noun before it only strengthens it)
    ("다시 봐도 볼만하네요", 5, {(OVERALL, "볼만하", 1)}),
    ("정말 잘만들었다", 5, {(OVERALL, "잘만들", 1)}),
    ("강력 추천합니다", 5, {(OVERALL, "추천하", 1)}),
    ("배송 완전 빠름", 5, {("배송", "빠르", 1)}),
    # the clipped "-음" style before a full stop is a predicate (Kiwi tags it ETN there)
    ("배송 빠름.", 5, {("배송", "빠르", 1)}),
    ("믿고 보는 배우. 재미있음.", 5, {(OVERALL, "재미있", 1)}),
    ("음질 좋음. 배터리 오래감!", 5, {("음질", "좋", 1), ("배터리", "오래가", 1)}),
    ("끊김 없음.", 5, {("끊김", "없", 1)}),
    ("재미있음을 느꼈다", 5, set()),
    # ... and run on without punctuation, or read by Kiwi as a noun (빠름/NNG)
    ("배송 빠름 음질 좋음", 5, {("배송", "빠르", 1), ("음질", "좋", 1)}),
    ("가격 저렴함 배송 빠름 만족", 5, {("가격", "저렴하", 1), ("배송", "빠르", 1), (OVERALL, "만족", 1)}),
    ("재질 부드러움~", 5, {("재질", "부드럽", 1)}),
    ("끊김 현상 있음.", 2, set()),
    ("이별의 아픔을 느꼈다", 5, set()),
    # defects of goods
    ("우산살이 바로 부러졌어요", 5, {("우산살", "부러지", -1)}),
    ("받침대가 흔들려요", 4, {("받침대", "흔들리", -1)}),
    # Kiwi reads 강추 as an interjection
    ("완전 강추", 5, {(OVERALL, "강추", 1)}),
    ("강추해요", 5, {(OVERALL, "강추", 1)}),
    ("나의 인생영화", 5, {(OVERALL, "인생영화", 1)}),
    ("최고의 청춘영화!", 5, {(OVERALL, "최고", 1)}),
    ("실망이 컸습니다", 5, {("실망", "크", -1)}),
    # an adjective before a noun judges that noun; before a word for the whole, the whole
    ("좋은 소재를 가지고 이렇게 만들다니", 1, {("소재", "좋", 1)}),
    ("파격적이고 참신한 영화", 5, {(OVERALL, "참신하", 1)}),
    ("충분히 즐거웠던 작품.", 4, {(OVERALL, "즐겁", 1)}),
    ("음질이 좋은 이어폰", 5, {("음질", "좋", 1)}),
    # ... and "... 아니다" after the noun denies it
    ("좋은 영화는 아니다", 2, {(OVERALL, "좋", -1)}),
    # a wish or a guess is not an opinion of what was had
    ("다음 편이 나오면 좋겠다", 5, set()),
    ("2편은 안 만드는 게 더 좋았을 텐데", 1, set()),
    ("재밌겠다", 5, set()),
    # ... nor a conjecture ("-ㄹ 텐데": it would be)
    ("한번 나오는 것도 괜찮을텐데", 1, set()),
    ("가격이 조금 싸면 좋을 텐데 아쉬워요", 3, {(OVERALL, "아쉽", -1)}),
    # regret that it ends or is gone is no complaint; the ending as the subject of 아쉽다 is
    ("마지막이라니 아쉽네요", 5, set()),
    ("끝나서 너무 아쉬워요", 5, set()),
    ("종영이 다가오니 아쉽네", 5, set()),
    ("단종돼서 아쉬워요", 5, set()),
    ("벌써 끝나서 아쉬워요", 5, set()),
    ("마지막이 다가오니 아쉽다", 5, set()),
    ("마지막 장면이 아쉽다", 3, {("장면", "아쉽", -1)}),
    ("허무하게 끝나서 아쉽다", 2, {(OVERALL, "아쉽", -1)}),  # how it ends
    ("너무 빨리 끝나서 아쉬워요", 3, {(OVERALL, "아쉽", -1)}),
    ("마지막에 너무 늘어져서 아쉬웠다", 3, {(OVERALL, "아쉽", -1)}),  # what happens there
    ("결말이 아쉬워요", 3, {("결말", "아쉽", -1)}),
    ("디자인이 예쁘면 좋겠어요", 5, set()),
    ("다른 분들도 알았으면 좋겟습니다", 5, set()),  # 겟: the common misspelling of 겠
    # a clause describing a noun the sentence only supposes ("...스토리였다면")
    ("임팩트가 있는 스토리였다면 좋았을텐데 심심하다", 3, {(OVERALL, "심심하", -1)}),
    ("재밌는 영화라고 해서 봤는데 지루하다", 2, {(OVERALL, "지루하", -1)}),
    ("재밌는 영화였어요", 5, {(OVERALL, "재밌", 1)}),
    # an adjective root written without its 하다, and 뻔하다 as Kiwi splits it (뻔/NNB 하/XSA)
    ("완전 지루", 1, {(OVERALL, "지루하", -1)}),
    ("지루.", 2, {(OVERALL, "지루하", -1)}),
    ("은근 흥미진진 ㅋㅋㅋㅋ", 4, {(OVERALL, "흥미진진하", 1)}),
    ("일본풍 잔잔 담백 영화.", 3, set()),  # a bare root before a noun: its aspect is unclear
    ("뻔한 스토리에 감동도 반감된다.", 1, {("스토리", "뻔하", -1)}),
    ("좋을 듯하다", 4, set()),
    # the root of a 하다 verb is not part of the noun an adjective modifies
    ("빠른 배송 감사합니다", 5, {("배송", "빠르", 1), ("배송", "감사하", 1)}),
    # nor is what others said, nor a question
    ("이거 재미있다고 하는 사람들 뭐지", 1, set()),
    ("200원도 아까웠다면서 10점 주는 사람", 1, set()),
    ("좋다고 해서 샀는데 별로예요", 2, {(OVERALL, "별로", -1)}),
    ("더 말이 필요한가?", 5, set()),
    ("이게 재밌어?", 1, set()),
    # negation with a particle between 지 and 않다
    ("나쁘진 않다", 4, {(OVERALL, "나쁘", 1)}),
    ("재미있지도 않고 감동도 없다", 1, {(OVERALL, "재미있", -1), ("감동", "없", -1)}),
    # opinions of other people's reviews and ratings are not about the product
    ("평점 좋길래 봤다가 실망", 1, {(OVERALL, "실망", -1)}),
    ("나쁜 리뷰는 왜 없지", 1, set()),
    # an adjective the lexicon does not list, before an aspect noun, describes
    ("소중한 사람을 잃은 이야기", 5, set()),
    # a guess with -ㄹ 것 같다 / -ㄹ 듯 is not an opinion of what was had
    ("재밌을꺼 같네요", 1, set()),
    ("재미있을 것 같아요", 5, set()),
    ("좋을 듯", 4, set()),
    ("재밌는 것 같아요", 4, {(OVERALL, "재밌", 1)}),  # a hedged opinion still is one
    # what the reviewer would rather have had ("차라리") is not this product's praise
    ("차라리 지구를 지켜라가 더 재밌슴", 1, set()),
    ("차라리 안 보는게 낫다. 연기는 좋았다", 2, {("연기", "좋", 1)}),
    # 안 negates the next predicate only
    ("회피하면 안되는 아픈 현실", 5, {("현실", "아프", -1)}),
    # 잘하다 / 못하다 / 잘 살리다 judge their object
    ("두 배우가 연기를 너무 잘한다", 5, {("연기", "잘하", 1)}),
    ("연출을 못했다", 1, {("연출", "못하", -1)}),
    ("소재를 잘 살렸다", 5, {("소재", "잘살리", 1)}),
    ("집중하지 못했다", 1, set()),  # -지 못하다 negates, it is not 못하다 "do badly"
    ("액션도 딸리고", 1, {("액션", "딸리", -1)}),
    # a suffix or prefix written with its noun is part of the aspect
    ("개연성이 떨어진다", 2, {("개연성", "떨어지", -1)}),
    ("보습력이 좋아요", 5, {("보습력", "좋", 1)}),
    ("재범죄율이 높다", 4, {("재범죄율", "높", 1)}),
    # verbs of amount with a fault or merit noun; with any other noun they state facts
    ("냄새가 나요", 5, {("냄새", "나", -1)}),
    ("소음이 생겨요", 4, {("소음", "생기", -1)}),
    ("여운이 남는 영화", 5, {("여운", "남", 1)}),
    ("시간이 나서 봤다", 5, set()),
    # noun + verb idioms, with the aspect of their clause
    ("디자인이 마음에 쏙 들어요", 5, {("디자인", "마음에들", 1)}),
    ("색상이 마음에 안 들어요", 2, {("색상", "마음에들", -1)}),
    ("결말이 너무 어이가 없음.", 2, {("결말", "어이없", -1)}),
    ("이 드라마 개 잼나네", 5, {(OVERALL, "재미나", 1)}),
    ("전 재미나게 봤어요", 5, {(OVERALL, "재미나", 1)}),
    # 잘 보다 / 잘 쓰다 / 잘 사다 praise the whole; 잘 받다 reports a delivery
    ("아무튼 잘봤습니다", 5, {(OVERALL, "잘보", 1)}),
    ("잘 쓰고 있어요", 5, {(OVERALL, "잘쓰", 1)}),
    ("정말 잘 샀어요", 5, {(OVERALL, "잘사", 1)}),
    # -기도 / -기는 하다 say their predicate
    ("재밌기는 하다", 3, {(OVERALL, "재밌", 1)}),
    ("심심하기도 했다", 3, {(OVERALL, "심심하", -1)}),
    # a drama or a series is the work as a whole, as a film is
    ("드라마가 재미있다", 5, {(OVERALL, "재미있", 1)}),
    ("최고의 시리즈", 5, {(OVERALL, "최고", 1)}),
    # two nouns that judge together, spaced or not; evaluative nouns that need their aspect
    ("기대 이상입니다", 5, {(OVERALL, "기대이상", 1)}),
    ("기대이하였어요", 2, {(OVERALL, "기대이하", -1)}),
    ("수준이하의 영화였다", 1, {(OVERALL, "수준이하", -1)}),
    ("기대 이상으로 좋았어요", 5, {(OVERALL, "좋", 1)}),
    ("맛이 일품이에요", 5, {("맛", "일품", 1)}),
    ("장면은 그야말로 압권!", 5, {("장면", "압권", 1)}),
    ("스토리가 식상해요", 5, {("스토리", "식상하", -1)}),
    ("너무나 진부한 영화.", 3, {(OVERALL, "진부하", -1)}),
    # 굳 written for 굿, not the verb 굳다 (to harden), which takes an ending
    ("연출 굳", 4, {("연출", "굿", 1)}),
    ("굳굳굳", 5, {(OVERALL, "굿", 1)}),
    ("빵이 금방 굳었어요", 2, set()),
    # "throughout" names no aspect; 감 ends compounds Kiwi may split (그립감, 식감), so it stays
    ("시종일관 지루하다", 2, {(OVERALL, "지루하", -1)}),
    ("그립감 좋아요", 5, {("그립감", "좋", 1)}),
    # "-ㄹ 뻔하다" is "nearly": no opinion in it (not 뻔하다, predictable)
    ("참신할 뻔한 내용", 2, set()),
    ("웃겨 죽을 뻔했다", 5, {(OVERALL, "웃기", 1)}),
    ("스토리가 뻔했다", 2, {("스토리", "뻔하", -1)}),
    # "X한 영화": words that judge the whole; tone words take the rating
    ("위대한 영화입니다.", 5, {(OVERALL, "위대하", 1)}),
    ("순수하고 착한 영화", 5, {(OVERALL, "순수하", 1)}),  # 착하다 judges a price, not a film
    ("잔잔하고 평온한 영화.", 4, {(OVERALL, "잔잔하", 1)}),
    ("너무 잔잔해서 졸렸다", 1, {(OVERALL, "잔잔하", -1), (OVERALL, "졸리", -1)}),
    ("정말 소름끼치는 영화다", 5, {(OVERALL, "소름돋", 1)}),
    ("연기에 소름이 돋았어요", 5, {(OVERALL, "소름돋", 1)}),
    ("아주 잘 나온 영화다", 4, {(OVERALL, "잘나오", 1)}),
    ("사진이 잘 나와요", 5, {("사진", "잘나오", 1)}),
    ("보풀이 잘 나와요", 1, {("보풀", "잘나오", -1)}),  # of a part, 잘 나오다 takes the rating
    ("아주 잘 나온 영화다", 3, {(OVERALL, "잘나오", 1)}),  # of the whole, it is "made well"
    # "V-ㄹ 만하다": worth doing (not the light verb: "이해할 만하다" is "understandable")
    ("먹을 만해요", 4, {(OVERALL, "ㄹ만하", 1)}),
    ("우리나라 퀴어작품 중에서 손꼽을 만함", 4, {(OVERALL, "ㄹ만하", 1)}),
    ("이해할 만하다", 2, set()),
    ("정말 굿굿~", 5, {(OVERALL, "굿", 1)}),
    # two modifiers joined by -고 judge the same noun; a predicate naming its aspect keeps it
    ("아름답고 고요한 마을", 5, {("마을", "아름답", 1)}),
    ("가볍고 튼튼한 가방이에요", 5, {("무게", "가볍", 1), ("가방", "튼튼하", 1)}),
    ("예쁘고 좋은 제품이에요", 5, {("디자인", "예쁘", 1), (OVERALL, "좋", 1)}),
    ("잔잔하고 그윽한 향기가 나는 영화", 5, {(OVERALL, "잔잔하", 1)}),  # 향기 is 나다's subject
    # feelings the thing gave (the rating decides 슬프다 and 무섭다), "memorable"
    ("너무 슬펐어요", 5, {(OVERALL, "슬프", 1)}),
    ("하나도 안 무서워요", 1, set()),  # a rated stem negated says nothing sure
    ("엔딩이 진짜 기억에 남네요", 5, {("엔딩", "기억에남", 1)}),
    ("연출 완벽", 5, {("연출", "완벽하", 1)}),  # a bare root, as "완전 지루"
    # an adjective modifying 것 that is not there denies it
    ("기억에 남는 게 없다", 2, {(OVERALL, "기억에남", -1)}),
    ("재밌는 게 하나도 없다", 1, {(OVERALL, "재밌", -1)}),
    ("아쉬운 거 없어요", 5, {(OVERALL, "아쉽", 1)}),
    ("기억에 남는 장면이 없다", 1, {("장면", "기억에남", -1)}),
    ("맛있는 메뉴가 별로 없어요", 2, {("메뉴", "맛있", -1)}),
    ("4000원이 비싼감이 없진 않은데", 4, {("감", "비싸", -1)}),  # not without: a bit dear
    # ... but "nothing is so good" praises, and a search or a reason denies nothing
    ("이 가격에 이렇게 좋은 게 없어요", 5, {(OVERALL, "좋", 1)}),
    ("이만큼 좋은 게 없어요", 5, {(OVERALL, "좋", 1)}),
    ("재밌는 게 없어서 이거 봤는데 대박", 5, {(OVERALL, "재밌", 1), (OVERALL, "대박", 1)}),
    # a -게 adverb of manner judges nothing; "안 사면 후회" is the noun
    ("무섭게 빨리 왔어요", 5, set()),
    # "-게 하다 / 만들다" makes one feel it: a judgment, in 하다's mood
    ("사람을 행복하게 만드는 영화", 5, {(OVERALL, "행복하", 1)}),
    ("관이 가슴을 먹먹하게 한다", 5, {("관", "먹먹하", 1)}),
    # a feeling of the reader's heart is what the work made one feel
    ("가슴 먹먹해지는 이야기", 5, {(OVERALL, "먹먹하", 1)}),
    ("가슴이 뭉클해요", 5, {(OVERALL, "뭉클하", 1)}),
    ("가슴둘레가 커요", 2, {("가슴둘레", "크", -1)}),
    ("행복하게 만들어주면 좋겠다", 3, set()),
    ("순수하게 맛만 보면 별로", 2, {(OVERALL, "별로", -1)}),
    ("안 사면 후회", 5, set()),
    # a genre an adjective modifies is the work; "집중이 안 된다"
    ("심심한 아랍 코미디", 3, {(OVERALL, "심심하", -1)}),
    ("연기도 어색하고 집중도 안 되던데", 1, {("연기", "어색하", -1), (OVERALL, "집중이되", -1)}),
    ("웃긴 코미디를 기대했는데 실망", 1, {(OVERALL, "실망", -1), ("코미디", "웃기", 1)}),  # wanted, not seen
    ("영화가 뭐가 애매해", 1, {(OVERALL, "애매하", -1)}),
    # a word with an implied aspect says no physical aspect of a work or a feeling
    ("따뜻한 영화", 5, {(OVERALL, "따뜻하", 1)}),
    ("마음이 따뜻해지는 영화", 5, {(OVERALL, "따뜻하", 1)}),
    ("가벼운 코미디", 4, set()),
    ("따뜻한 패딩이에요", 5, {("패딩", "따뜻하", 1)}),
    ("가볍고 따뜻해요", 5, {("무게", "가볍", 1), ("보온", "따뜻하", 1)}),
    # "-는 게 좋다" advises doing something; "안 보는 게 좋다" warns off the work
    ("안보는게 좋은 영화~", 1, {(OVERALL, "말리", -1)}),
    ("보지 않는 게 좋아요", 1, {(OVERALL, "말리", -1)}),
    ("이 제품은 안 사는 게 낫다", 1, {(OVERALL, "말리", -1)}),
    ("기대않고 보는게 제일좋은듯", 5, set()),
    ("일찍 주문하는 게 좋아요", 4, set()),
    ("배터리가 오래 가는 게 좋아요", 5, {("배터리", "오래가", 1), (OVERALL, "좋", 1)}),  # glad of a fact
    ("빨리 마르는 게 좋아요", 5, {(OVERALL, "좋", 1)}),  # a fact about the product, not advice
    ("이번에 산 게 제일 좋아요", 5, {(OVERALL, "좋", 1)}),
    ("안 보시는 게 좋아요", 1, {(OVERALL, "말리", -1)}),
    ("이 책은 안 읽는 게 나아요", 1, {(OVERALL, "말리", -1)}),
    ("심장 약하면 안 보는 게 좋아요", 5, set()),  # warns some readers off, not everyone
    ("사이즈표 보고 안 사는 게 좋아요", 2, set()),  # about the size chart, not the product
    # what may be, what was expected and what others said are no assertion
    ("어쩌면 정말 무서울 수도 있는 모습들", 4, set()),
    ("재밌을 수밖에 없다", 5, {(OVERALL, "재밌", 1)}),
    ("재밌는 줄 알았는데", 2, set()),
    ("재밌는 줄 몰랐다", 5, {(OVERALL, "재밌", 1)}),
    ("재밌다 라는 후기 보고 봤어요", 2, set()),
    ("'최고다'라는 평 보고 봤어요", 2, set()),
    ("재밌다 라는 말밖에 안 나온다", 5, {(OVERALL, "재밌", 1)}),  # the reviewer's own
    ("자신있게 추천할 수 있는 영화", 5, {(OVERALL, "추천하", 1)}),  # can, not may
    ("지루할 수 있지만 재밌어요", 4, {(OVERALL, "재밌", 1)}),
    ("더 좋은 작품이 되었을터인데..", 4, set()),  # what it would have become
    ("좋은 영화가 될 수 있었는데 아쉽다", 2, {(OVERALL, "아쉽", -1)}),
    ("좋은 선물이 됐어요", 5, {("선물", "좋", 1)}),
    # hoped for better, got what was feared
    ("혹시나 했는데 역시나...", 1, {(OVERALL, "혹시나역시나", -1)}),
    ("혹시나 하고 샀는데 역시나네요", 1, {(OVERALL, "혹시나역시나", -1)}),
    ("혹시나 했는데 역시나 최고", 5, {(OVERALL, "최고", 1)}),
    # the subject of a verb that modifies a noun is that verb's; a quote mark does not hide the noun
    ("시걸이 나온 영화 중에서는 그래도 재미있는 편", 1, {(OVERALL, "재미있", 1)}),
    ("아이가 먹는 과자가 맛있어요", 5, {("과자", "맛있", 1)}),
    ("허리가 입는 내내 편해요", 5, {("허리", "편하", 1)}),
    ("색상이 화면에서 본 것보다 어두워요", 3, {("색상", "어둡", -1)}),
    ('"따뜻한" 영화', 5, {(OVERALL, "따뜻하", 1)}),
    ("'완벽한' 영화", 5, {(OVERALL, "완벽하", 1)}),
    ("'완벽한' 사람이 아닌", 4, {("사람", "완벽하", -1)}),
    # a quoted opinion is no assertion, however Kiwi splits the quote
    ("빼고 그렸어도 좋다고 보는 내내 생각이 들 정도", 1, set()),
]

# Misspelt reviews, read through Kiwi's typo model as the review_summary panel reads them
TYPO_CASES = [
    ("정말 재밋어요", 5, {(OVERALL, "재밌", 1)}),
    ("잼있엇음", 5, {(OVERALL, "재밌", 1)}),
    ("맛잇어요 배송도 빨라요", 5, {("맛", "맛있", 1), ("배송", "빠르", 1)}),
    ("강츄", 5, {(OVERALL, "강추", 1)}),
]


@pytest.mark.parametrize(("text", "rating", "expected"), CASES)
def test_extract_reads_aspect_predicate_and_polarity(text: str, rating: int, expected: set) -> None:
    units = extract(Review("r", text, rating), korean.tokenize(text))
    assert {(u.aspect, u.stem, u.polarity) for u in units} == expected
    assert all(u.review_id == "r" for u in units)


@pytest.mark.parametrize(("text", "rating", "expected"), TYPO_CASES)
def test_typo_tolerant_analysis_reads_misspelt_reviews(text: str, rating: int, expected: set) -> None:
    (tokens,) = korean.tokenize_many([text], typos=True)
    assert {(u.aspect, u.stem, u.polarity) for u in extract(Review("r", text, rating), tokens)} == expected
    (plain,) = korean.tokenize_many([text])
    assert {(u.aspect, u.stem, u.polarity) for u in extract(Review("r", text, rating), plain)} != expected


def test_implied_aspects_are_marked_so_their_statement_has_no_subject() -> None:
    (unit,) = extract(Review("r", "너무 무거워요", 2), korean.tokenize("너무 무거워요"))
    assert unit.implied and unit.aspect == "무게"
    (named,) = extract(Review("r", "무게가 무거워요", 2), korean.tokenize("무게가 무거워요"))
    assert not named.implied


def test_extract_marks_negation_for_re_conjugation() -> None:
    (unit,) = extract(Review("r", "음질이 좋지 않아요", 5), korean.tokenize("음질이 좋지 않아요"))
    assert unit.negated and unit.predicate == (("좋", "VA"),)


def test_unlisted_stem_takes_the_rating() -> None:
    text = "케이스가 작아서 주머니에 쏙 들어가요"
    tokens = korean.tokenize(text)
    assert {(u.polarity, u.rated) for u in extract(Review("r", text, 5), tokens)} == {(1, True)}
    assert {(u.polarity, u.rated) for u in extract(Review("r", text, 1), tokens)} == {(-1, True)}
    (listed,) = extract(Review("r", "배송이 빨라요", 5), korean.tokenize("배송이 빨라요"))
    assert not listed.rated


@pytest.mark.parametrize(
    ("stem", "aspect", "negated", "rating", "expected"),
    [
        ("크", "소음", False, 5, -1),  # a fault noun: more of it is a complaint
        ("적", "소음", False, 1, 1),
        ("없", "부작용", False, 0, 1),
        ("없", "재미", False, 5, -1),
        ("좋", "음질", True, 5, -1),
        ("크", "화면", False, 0, 0),  # no lexicon polarity and no rating: nothing sure
        ("크", "화면", True, 5, 0),
    ],
)
def test_polarity_rules(stem: str, aspect: str, negated: bool, rating: int, expected: int) -> None:
    assert polarity(stem, aspect, negated, rating) == expected


@pytest.mark.parametrize(
    ("form", "stem"),
    [
        ("빠름", "빠르"),
        ("좋음", "좋"),
        ("가벼움", "가볍"),
        ("부드러움", "부드럽"),
        ("튼튼함", "튼튼하"),
        ("배송", "배송"),
    ],
)
def test_clipped_forms_give_back_their_stem(form: str, stem: str) -> None:
    assert unclipped(form) == stem


def test_bichu_is_said_as_the_noun_not_the_verb_to_shine() -> None:
    (unit,) = extract(Review("r", "완전 비추", 1), korean.tokenize("완전 비추"))
    assert unit.predicate == (("비추", "NNG"), ("이", "VCP")) and unit.polarity == -1
