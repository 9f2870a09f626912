"""Official documents (公文): drafting (拟稿), checking (核稿), sign-off (签发) and their layout."""
