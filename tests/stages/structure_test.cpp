#include "stages/structure.h"

#include <gtest/gtest.h>

#include "models/profile.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

const PublicationProfile& Profile() {
  static const PublicationProfile profile =
      LoadProfile(testing::SourcePath("models/profiles/hangzhou-renda-xinxi.json"));
  return profile;
}

TEST(ParseAttribution, OrganizationAndOneName) {
  const Attribution a = ParseAttribution("（建德市人大常委会办公室 唐方媛）", Profile());
  EXPECT_EQ(a.raw, "（建德市人大常委会办公室 唐方媛）");
  EXPECT_EQ(a.organization, "建德市人大常委会办公室");
  EXPECT_EQ(a.authors, std::vector<std::string>{"唐方媛"});
}

TEST(ParseAttribution, PaddedTwoCharacterNameIsOnePerson) {
  const Attribution a = ParseAttribution("（余杭区人大常委会办公室 符 腾）", Profile());
  EXPECT_EQ(a.organization, "余杭区人大常委会办公室");
  EXPECT_EQ(a.authors, std::vector<std::string>{"符腾"});
  EXPECT_EQ(a.raw, "（余杭区人大常委会办公室 符 腾）");
}

TEST(ParseAttribution, SeveralPeople) {
  const Attribution a = ParseAttribution("（萧山区人大常委会办公室 杜国益 史佳）", Profile());
  EXPECT_EQ(a.authors, (std::vector<std::string>{"杜国益", "史佳"}));
  const Attribution b = ParseAttribution("（临平区人大常委会办公室 孔 铮 周 颖 王小明）", Profile());
  EXPECT_EQ(b.authors, (std::vector<std::string>{"孔铮", "周颖", "王小明"}));
}

TEST(ParseAttribution, OrganizationOnly) {
  const Attribution a = ParseAttribution("（研究室）", Profile());
  EXPECT_EQ(a.organization, "研究室");
  EXPECT_TRUE(a.authors.empty());
  const Attribution b = ParseAttribution("（淳安县人大常委会城建环保工委）", Profile());
  EXPECT_EQ(b.organization, "淳安县人大常委会城建环保工委");
  EXPECT_TRUE(b.authors.empty());
}

TEST(ParseAttribution, NameFoundAfterTheOrganizationWhenTheGapWasNotSeen) {
  const Attribution a = ParseAttribution("（钱塘区人大常委会办公室徐佳琪）", Profile());
  EXPECT_EQ(a.organization, "钱塘区人大常委会办公室");
  EXPECT_EQ(a.authors, std::vector<std::string>{"徐佳琪"});
  EXPECT_EQ(a.raw, "（钱塘区人大常委会办公室 徐佳琪）");
}

TEST(ParseAttribution, NamesRunTogetherAreSplitWhereFamilyNamesStart) {
  const Attribution a = ParseAttribution("（萧山区人大常委会办公室沈一鸣钱程）", Profile());
  EXPECT_EQ(a.organization, "萧山区人大常委会办公室");
  EXPECT_EQ(a.authors, (std::vector<std::string>{"沈一鸣", "钱程"}));
  EXPECT_EQ(a.raw, "（萧山区人大常委会办公室 沈一鸣 钱程）");
  const Attribution b = ParseAttribution("（研究室潘越王晓燕）", Profile());
  EXPECT_EQ(b.organization, "研究室");
  EXPECT_EQ(b.authors, (std::vector<std::string>{"潘越", "王晓燕"}));
  // The gap after the organization missed, the one between the later names seen.
  const Attribution c = ParseAttribution("（临安区人大常委会办公室何静 蒋丽华张伟）", Profile());
  EXPECT_EQ(c.organization, "临安区人大常委会办公室");
  EXPECT_EQ(c.authors, (std::vector<std::string>{"何静", "蒋丽华", "张伟"}));
  // A misread family name (蒋 → 薪) still leaves the names apart.
  const Attribution d = ParseAttribution("（临安区人大常委会办公室 薪丽华张伟）", Profile());
  EXPECT_EQ(d.authors, (std::vector<std::string>{"薪丽华", "张伟"}));
}

TEST(ParseAttribution, ARunThatIsOneNameStaysWhole) {
  EXPECT_EQ(ParseAttribution("（建德市人大常委会办公室 欧阳晓燕）", Profile()).authors,
            std::vector<std::string>{"欧阳晓燕"});
  EXPECT_EQ(ParseAttribution("（建德市人大常委会办公室唐方媛）", Profile()).authors,
            std::vector<std::string>{"唐方媛"});
  // Two names of two characters each, run together.
  EXPECT_EQ(ParseAttribution("（萧山区人大常委会办公室 孙佳潘越）", Profile()).authors,
            (std::vector<std::string>{"孙佳", "潘越"}));
  // An organization that ends in a suffix has no name after it, whatever precedes it.
  const Attribution e = ParseAttribution("（西湖区人大常委会）", Profile());
  EXPECT_EQ(e.organization, "西湖区人大常委会");
  EXPECT_TRUE(e.authors.empty());
}

// A gap OCR saw inside the organization splits no name off it: the token that goes on to an
// organization's suffix is the organization's rest, and the names after it are found as before.
TEST(ParseAttribution, AGapInsideTheOrganizationLeavesItWhole) {
  const Attribution a = ParseAttribution("（拱墅区人大 常委会办公室张 伟）", Profile());
  EXPECT_EQ(a.organization, "拱墅区人大常委会办公室");
  EXPECT_EQ(a.authors, std::vector<std::string>{"张伟"});
  const Attribution b = ParseAttribution("（临平区人大 常委会办公室 俞 斌 蒋丽华）", Profile());
  EXPECT_EQ(b.organization, "临平区人大常委会办公室");
  EXPECT_EQ(b.authors, (std::vector<std::string>{"俞斌", "蒋丽华"}));
}

// Two splits as likely by family names: the one-character family name wins over the rarer
// two-character one (章晓东 方舟, not 章晓 东方舟).
TEST(ParseAttribution, ARareCompoundFamilyNameLosesATie) {
  EXPECT_EQ(ParseAttribution("（淳安县人大常委会办公室 孙 佳 章晓东方舟）", Profile()).authors,
            (std::vector<std::string>{"孙佳", "章晓东", "方舟"}));
}

// 一 read as a dash (沈-鸣): no name holds a dash, and the name is 沈一鸣.
TEST(ParseAttribution, ADashBetweenTheCharactersOfANameIsOne) {
  const Attribution a = ParseAttribution("（桐庐县人大常委会办公室 潘越 沈-鸣 钱程）", Profile());
  EXPECT_EQ(a.authors, (std::vector<std::string>{"潘越", "沈一鸣", "钱程"}));
  EXPECT_EQ(ParseAttribution("（研究室 沈－鸣）", Profile()).authors, std::vector<std::string>{"沈一鸣"});
}

TEST(LocalityOf, PlaceBeforeTheColon) {
  EXPECT_EQ(LocalityOf("建德市：强化监督助推筑牢燃气“安全网”", Profile()), "建德市");
  EXPECT_EQ(LocalityOf("淳安县：梓桐镇探索开展村级生态文明建设情况报告制度", Profile()), "淳安县");
  EXPECT_EQ(LocalityOf("市人大常委会依法行权助力打造人工智能创新高地", Profile()), std::nullopt);
  EXPECT_EQ(LocalityOf("关于做好工作的通知：第一部分", Profile()), std::nullopt);
}

TEST(Similarity, EditDistanceOverLength) {
  EXPECT_DOUBLE_EQ(Similarity("杭州人大信息", "杭州人大信息"), 1.0);
  EXPECT_NEAR(Similarity("杭州人大信息", "杭州人太信息"), 5.0 / 6.0, 1e-9);
  EXPECT_DOUBLE_EQ(Similarity("", ""), 1.0);
}

}  // namespace
}  // namespace qikan

namespace qikan {
namespace {

// A heading read without its opening quote and with another character than the contents
// (建德市：三张清单”推动审议意见…, the contents 建德市：“三张清单”推动审议痊见…): the kept
// reading takes the other's quote where it has none, so its quotes pair; its characters stay.
TEST(PutBackQuotes, TheOtherReadingsQuoteMakesTheKeptOnesPair) {
  EXPECT_EQ(PutBackQuotes("建德市：三张清单”推动审议意见质量提升", "建德市：“三张清单”推动审议痊见质量提升"),
            "建德市：“三张清单”推动审议意见质量提升");
  EXPECT_EQ(PutBackQuotes("西兴街道“三维发力助力优化", "西兴街道“三维发力”助力忧化"),
            "西兴街道“三维发力”助力优化");
  // Another reading whose quotes do not pair leaves it as it is; so does one with none, and a
  // reading whose own quotes pair keeps them, whatever the other holds.
  EXPECT_EQ(PutBackQuotes("建德市：三张清单”推动", "建德市：三张清单”推动"), "建德市：三张清单”推动");
  EXPECT_EQ(PutBackQuotes("建德市：“三张清单”推动", "建德市：三张清单推动"), "建德市：“三张清单”推动");
  EXPECT_EQ(PutBackQuotes("滨江区：“三张清单”推动", "滨江区：““三张清单”推动”"), "滨江区：“三张清单”推动");
}

// A heading set large whose pair of quotes OCR lost (bench-structure matrix m31, clean-300:
// "三张消单推动…" over the contents' "调研视点“三张清单”推动…"): its quotes pair, none, but OCR does
// not invent a pair of quotes round a word, and the contents' pair is put back.
TEST(PutBackQuotes, APairTheKeptReadingLostIsPutBack) {
  EXPECT_EQ(PutBackQuotes("三张清单推动审议意见质量提升", "“三张清单”推动审议意见质量提升"),
            "“三张清单”推动审议意见质量提升");
  EXPECT_EQ(PutBackQuotes("建德市：三张清单推动", "建德市：“三张清单”推动"), "建德市：“三张清单”推动");
}

TEST(MendTitleFromBody, TheBodyDecidesACharacterTheTwoReadingsDisagreeOn) {
  // The generated degraded seed: TOC 梓 at 25, heading 样 at 32; the body prints 梓桐镇.
  const std::string body = "淳安县人大常委会指导梓桐镇人大在建立镇级生态文明建设情况报告的基础上";
  EXPECT_EQ(MendTitleFromBody("淳安县：样桐镇探索开展村级生态文明建设情况报告制度",
                              "淳安县：梓桐镇探索开展村级生态文明建设情况报告制度", body),
            "淳安县：梓桐镇探索开展村级生态文明建设情况报告制度");
}

TEST(MendTitleFromBody, WithoutTheBodysWordOrWithReadingsOfOtherLengthsTheKeptReadingStays) {
  const std::string kept = "淳安县：样桐镇探索开展村级生态文明建设情况报告制度";
  EXPECT_EQ(MendTitleFromBody(kept, "淳安县：梓桐镇探索开展村级生态文明建设情况报告制度",
                              "全县各乡镇探索开展村级报告"),
            kept);
  EXPECT_EQ(MendTitleFromBody(kept, "淳安县：梓桐镇探索开展村级生态文明建设情况报告", "梓桐镇"),
            kept);
  // As long, but not in step: the heading lost the opening quote and read a stop after 三维.
  // Its 三 stands where the contents' “ does, and is no reading of it, whatever the body prints.
  EXPECT_EQ(MendTitleFromBody("桐庐县：西兴街道“三维发力”助力优化营商环境",
                              "桐庐县：西兴街道三维.发力”助力优化营商环境",
                              "桐庐县人大常委会西兴街道三维发力助力"),
            "桐庐县：西兴街道“三维发力”助力优化营商环境");
  // Both readings' stretches printed: the kept one stays.
  EXPECT_EQ(MendTitleFromBody(kept, "淳安县：梓桐镇探索开展村级生态文明建设情况报告制度",
                              "样桐镇 梓桐镇"),
            kept);
}

TEST(MendTitleFromBody, ACharacterNeitherReadingHoldsIsTheBodysAfterTheSameThreeCharacters) {
  // dev d06 (degraded): the contents read 丧 for the title's last character, the heading lost
  // 环境 and read 于; the body prints 营商环境 twice.
  const std::string body = "当好优化营商环境“两员”，为推动营商环境进一步优化、服务中心大局";
  EXPECT_EQ(MendTitleFromBody("淳安县：西兴街道“三维发力”助力优化营商环丧",
                              "淳安县：西兴街道“三维发力”助力优化营商于", body),
            "淳安县：西兴街道“三维发力”助力优化营商环境");
  // The body prints the three characters with two others after them: no mend.
  EXPECT_EQ(MendTitleFromBody("淳安县：西兴街道“三维发力”助力优化营商环丧",
                              "淳安县：西兴街道“三维发力”助力优化营商于",
                              body + "营商环节"),
            "淳安县：西兴街道“三维发力”助力优化营商环丧");
  // Inside the title, two characters each side must be the body's: "当好优化营" is no reading
  // of "助力优化营" (dev2 e08, its heading read "二从发为”是为优化…").
  EXPECT_EQ(MendTitleFromBody("淳安县：西兴街道“三维发力”助力优化营商环境",
                              "淳安县：西兴街道二从发为”是为优化营商环境", body),
            "淳安县：西兴街道“三维发力”助力优化营商环境");
  // Both readings hold the character: it stays, whatever the body prints.
  EXPECT_EQ(MendTitleFromBody("淳安县：西兴街道“三维发力”助力优化营商环丧",
                              "淳安县：西兴街道“三维发力”助力优化营商环丧", body),
            "淳安县：西兴街道“三维发力”助力优化营商环丧");
}

TEST(MendWithLexicon, OneOcrErrorFromATermIsMended) {
  const std::vector<std::string>& lexicon = Profile().lexicon;
  EXPECT_EQ(MendWithLexicon("滨江区人大第委会西兴街道工委", lexicon), "滨江区人大常委会西兴街道工委");
  EXPECT_EQ(MendWithLexicon("余杭区人大和常委会办公室", lexicon), "余杭区人大常委会办公室");
  EXPECT_EQ(MendWithLexicon("篇安县人大常委会办公室", lexicon), "淳安县人大常委会办公室");
}

TEST(MendWithLexicon, TextThatIsRightOrFarFromEveryTermIsLeftAlone) {
  const std::vector<std::string>& lexicon = Profile().lexicon;
  EXPECT_EQ(MendWithLexicon("钱塘区人大常委会办公室", lexicon), "钱塘区人大常委会办公室");
  EXPECT_EQ(MendWithLexicon("强化监督助推筑牢燃气安全网", lexicon), "强化监督助推筑牢燃气安全网");
}

}  // namespace
}  // namespace qikan

namespace qikan {
namespace {

TEST(MendWithLexicon, ATermIsNeverMendedIntoAnotherTerm) {
  const std::vector<std::string>& lexicon = Profile().lexicon;
  EXPECT_EQ(MendWithLexicon("临平区人大常委会办公室", lexicon), "临平区人大常委会办公室");
  EXPECT_EQ(MendWithLexicon("省人大常委会办公厅", lexicon), "省人大常委会办公厅");
}

}  // namespace
}  // namespace qikan
