#include "mobilelink/attachments/attachment.hpp"

#include <gtest/gtest.h>

namespace mobilelink::attachments {
namespace {

const std::string kPng("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16);
const std::string kJpeg("\xFF\xD8\xFF\xE0\0\x10JFIF", 10);
const std::string kGif = "GIF89a\x01\x00\x01\x00";
const std::string kPdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
const std::string kHtml = "<!doctype html><script>alert(1)</script>";

std::string ProblemCode(const std::variant<std::string, UploadProblem>& result) {
  const auto* problem = std::get_if<UploadProblem>(&result);
  return problem == nullptr ? std::string() : problem->code;
}

TEST(SniffContentType, KnowsFourTypes) {
  EXPECT_EQ(SniffContentType(kPng), "image/png");
  EXPECT_EQ(SniffContentType(kJpeg), "image/jpeg");
  EXPECT_EQ(SniffContentType(kGif), "image/gif");
  EXPECT_EQ(SniffContentType("GIF87a..."), "image/gif");
  EXPECT_EQ(SniffContentType(kPdf), "application/pdf");
}

TEST(SniffContentType, RejectsOtherContent) {
  EXPECT_FALSE(SniffContentType(kHtml).has_value());
  EXPECT_FALSE(SniffContentType("").has_value());
  EXPECT_FALSE(SniffContentType("\x89PNG").has_value());  // A cut signature.
  EXPECT_FALSE(SniffContentType("GIF90a").has_value());
  EXPECT_FALSE(SniffContentType(" %PDF-1.4").has_value());
  EXPECT_FALSE(SniffContentType("<svg xmlns='http://www.w3.org/2000/svg'/>").has_value());
}

TEST(CheckUpload, AcceptsMatchingOrMissingType) {
  EXPECT_EQ(std::get<std::string>(CheckUpload(kPng, "image/png")), "image/png");
  EXPECT_EQ(std::get<std::string>(CheckUpload(kPng, "")), "image/png");
  EXPECT_EQ(std::get<std::string>(CheckUpload(kPng, "application/octet-stream")), "image/png");
  EXPECT_EQ(std::get<std::string>(CheckUpload(kJpeg, "IMAGE/JPG; q=1")), "image/jpeg");
  EXPECT_EQ(std::get<std::string>(CheckUpload(kPdf, "application/pdf")), "application/pdf");
}

TEST(CheckUpload, RejectsHtmlNamedPng) {
  const auto result = CheckUpload(kHtml, "image/png");
  EXPECT_EQ(ProblemCode(result), "unsupported_attachment_type");
  EXPECT_EQ(std::get<UploadProblem>(result).status, 415);
}

TEST(CheckUpload, RejectsDeclaredTypeMismatch) {
  const auto result = CheckUpload(kPdf, "image/png");
  EXPECT_EQ(ProblemCode(result), "content_type_mismatch");
  EXPECT_NE(std::get<UploadProblem>(result).message.find("application/pdf"), std::string::npos);
  EXPECT_EQ(ProblemCode(CheckUpload(kPng, "text/html")), "content_type_mismatch");
}

TEST(CheckUpload, SizeLimitIsFiveMebibytes) {
  std::string at_limit = kPng;
  at_limit.resize(kMaxAttachmentBytes, 'x');
  EXPECT_EQ(std::get<std::string>(CheckUpload(at_limit, "image/png")), "image/png");

  std::string over = at_limit + "x";
  const auto result = CheckUpload(over, "image/png");
  EXPECT_EQ(ProblemCode(result), "attachment_too_large");
  EXPECT_EQ(std::get<UploadProblem>(result).status, 413);
  EXPECT_NE(std::get<UploadProblem>(result).message.find("5 MB (5242880 bytes)"),
            std::string::npos);
}

TEST(CheckUpload, RejectsEmptyBody) {
  EXPECT_EQ(ProblemCode(CheckUpload("", "image/png")), "empty_attachment");
}

TEST(CleanFileName, KeepsMarkupAsText) {
  EXPECT_EQ(CleanFileName("<img src=x onerror=alert(1)>.png"), "<img src=x onerror=alert(1)>.png");
}

TEST(CleanFileName, DropsPathsAndControls) {
  EXPECT_EQ(CleanFileName("C:\\Users\\me\\photo.jpg"), "photo.jpg");
  EXPECT_EQ(CleanFileName("../../etc/passwd"), "passwd");
  EXPECT_EQ(CleanFileName("a\r\nb\x7F.pdf"), "ab.pdf");
  EXPECT_EQ(CleanFileName(""), "attachment");
  EXPECT_EQ(CleanFileName("dir/"), "attachment");
}

TEST(CleanFileName, CutsAtCharacterBoundary) {
  std::string name;
  for (int i = 0; i < 200; ++i) {
    name += "\xC3\xA9";  // é, two bytes.
  }
  const std::string cleaned = CleanFileName(name);
  EXPECT_LE(cleaned.size(), kMaxFileNameBytes);
  EXPECT_EQ(cleaned.size() % 2, 0u);
}

TEST(ContentDisposition, ImagesInlineOthersAttachment) {
  EXPECT_EQ(ContentDisposition("a.png", "image/png"),
            "inline; filename=\"a.png\"; filename*=UTF-8''a.png");
  EXPECT_EQ(ContentDisposition("r.pdf", "application/pdf"),
            "attachment; filename=\"r.pdf\"; filename*=UTF-8''r.pdf");
}

TEST(ContentDisposition, EscapesQuotesAndUnicode) {
  const std::string value = ContentDisposition("a\"b\xC3\xA9 c.pdf", "application/pdf");
  EXPECT_EQ(value, "attachment; filename=\"a_b__ c.pdf\"; filename*=UTF-8''a%22b%C3%A9%20c.pdf");
}

TEST(DownloadPath, AppendsId) {
  EXPECT_EQ(DownloadPath("att_1"), "/api/v1/attachments/att_1");
}

}  // namespace
}  // namespace mobilelink::attachments
