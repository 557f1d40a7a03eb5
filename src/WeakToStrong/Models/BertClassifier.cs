// TEMPORARY stub until the encoder port lands (branch models).
namespace WeakToStrong.Models;
public static class BertClassifier { public static Classifier MiniLM(int layers, int classes) => throw new NotImplementedException(); }
