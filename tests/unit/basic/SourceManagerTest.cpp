#include "basic/SourceManager.h"

#include <gtest/gtest.h>

using namespace tdl;

TEST(SourceManager, LineColumnOfInMemoryBuffer) {
  SourceManager sm;
  unsigned id = sm.addBuffer("a.tdl", "fn f() {\n  return 1;\n}\n");
  EXPECT_EQ(id, 1u);
  EXPECT_EQ(sm.getBufferName(id), "a.tdl");
  SourceLoc ret = SourceLoc::getFromPointer(sm.getBufferText(id).data() + 11);
  LineColumn lc = sm.getLineColumn(ret);
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.column, 3u);
  EXPECT_EQ(sm.getLineText(ret), "  return 1;");
  EXPECT_EQ(sm.findBuffer(ret), id);
}

TEST(SourceManager, LocForLineAndColumnRoundTrips) {
  SourceManager sm;
  unsigned id = sm.addBuffer("b.tdl", "a\nbc\ndef");
  SourceLoc loc = sm.getLoc(id, 3, 2);
  ASSERT_TRUE(loc.isValid());
  EXPECT_EQ(*loc.getPointer(), 'e');
  EXPECT_FALSE(sm.getLoc(id, 0, 1).isValid());
}

TEST(SourceManager, InvalidLocationIsInNoBuffer) {
  SourceManager sm;
  sm.addBuffer("c.tdl", "x");
  EXPECT_EQ(sm.findBuffer(SourceLoc()), 0u);
  EXPECT_EQ(sm.getLineColumn(SourceLoc()).line, 0u);
}

TEST(SourceManager, MissingFileIsAnError) {
  SourceManager sm;
  auto id = sm.addFile("/nonexistent/dir/x.tdl");
  ASSERT_FALSE(bool(id));
  std::string msg = llvm::toString(id.takeError());
  EXPECT_NE(msg.find("cannot open"), std::string::npos);
}
