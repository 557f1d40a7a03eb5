using WeakToStrong.Models;

namespace WeakToStrong.Tests;

/// <summary>Expected ids were looked up by hand in the package's vocab.txt (id = line number - 1).</summary>
public class WordPieceTokenizerTests
{
    private static readonly WordPieceTokenizer Tokenizer = PretrainedEncoders.Tokenizer(PretrainedEncoder.MiniLM);

    private static long[] Ids(params int[] ids) => ids.Select(i => (long)i).ToArray();

    [Fact]
    public void VocabularyAndSpecialTokens()
    {
        Assert.Equal(30522, Tokenizer.VocabSize);
        Assert.Equal((0, 100, 101, 102), (Tokenizer.PadId, Tokenizer.UnkId, Tokenizer.ClsId, Tokenizer.SepId));
    }

    [Fact]
    public void HandCheckedSentences()
    {
        Assert.Equal(Ids(101, 7592, 2088, 102), Tokenizer.Encode("Hello world").Ids);
        // the price is $ 5 !
        Assert.Equal(Ids(101, 1996, 3976, 2003, 1002, 1019, 999, 102), Tokenizer.Encode("The price is $5!").Ids);
        Assert.Equal(Ids(101, 19204, 3989, 102), Tokenizer.Encode("tokenization").Ids);
        Assert.Equal(["em", "##bed", "##ding"], Tokenizer.Tokenize("Embedding"));
    }

    [Fact]
    public void AsciiSymbolsBecomeTheirOwnTokens()
    {
        // Microsoft.ML.Tokenizers drops these; the reference BasicTokenizer treats all non-alphanumeric ASCII as punctuation.
        Assert.Equal(["$", "5", "<", "a", ">", "=", "b", "+", "c", "^", "d", "|", "e", "~", "f", "`"],
            Tokenizer.Tokenize("$5<a>=b+c^d|e~f`"));
        Assert.Equal(Ids(101, 1002, 1026, 1027, 1028, 1009, 1034, 1064, 1066, 102), Tokenizer.Encode("$ <=> + ^ | ~").Ids);
    }

    [Fact]
    public void LowercasesAndStripsAccents()
    {
        Assert.Equal(Ids(101, 7668, 15743, 102), Tokenizer.Encode("CAFÉ naïve").Ids);
        // Already decomposed input (e + combining acute) gives the same ids.
        Assert.Equal(Tokenizer.Encode("café").Ids, Tokenizer.Encode("cafe\u0301").Ids);
    }

    [Fact]
    public void CleansControlCharactersAndWhitespace()
    {
        Assert.Equal(Tokenizer.Encode("hello world").Ids, Tokenizer.Encode("  hel\u200Blo\u0000\t\r\nworld\u00A0 \uFFFD").Ids);
    }

    [Fact]
    public void CjkCharactersAreSeparateTokens()
    {
        Assert.Equal(Ids(101, 1746, 1799, 102), Tokenizer.Encode("中国").Ids);
    }

    [Fact]
    public void UnknownAndOverlongWordsBecomeUnk()
    {
        Assert.Equal(Ids(101, 100, 102), Tokenizer.Encode(new string('a', 101)).Ids);
        Assert.Equal(Ids(101, 100, 7592, 102), Tokenizer.Encode("\U0001F642 hello").Ids); // emoji not in the vocabulary
        Assert.NotEqual(Ids(101, 100, 102), Tokenizer.Encode(new string('a', 100)).Ids);
    }

    [Fact]
    public void PairEncodingHasSegmentTypeIds()
    {
        var e = Tokenizer.Encode("Hello world", "the price");
        Assert.Equal(Ids(101, 7592, 2088, 102, 1996, 3976, 102), e.Ids);
        Assert.Equal(Ids(0, 0, 0, 0, 1, 1, 1), e.TypeIds);
        Assert.False(e.Truncated);
    }

    [Fact]
    public void TruncatesSingleTextsAndReportsIt()
    {
        var fits = Tokenizer.Encode("hello world", maxLength: 4);
        Assert.False(fits.Truncated);
        var cut = Tokenizer.Encode("hello world the price", maxLength: 4);
        Assert.True(cut.Truncated);
        Assert.Equal(Ids(101, 7592, 2088, 102), cut.Ids);
    }

    [Fact]
    public void TruncatesPairsLongestFirst()
    {
        // a: the price is the price (5), b: hello world (2); budget 7 - 3 = 4 -> a loses 3 tokens.
        var e = Tokenizer.Encode("the price is the price", "hello world", maxLength: 7);
        Assert.True(e.Truncated);
        Assert.Equal(Ids(101, 1996, 3976, 102, 7592, 2088, 102), e.Ids);
        Assert.Equal(Ids(0, 0, 0, 0, 1, 1, 1), e.TypeIds);

        // Equal lengths (3, 3), budget 4: the tie takes from the second segment first, then the first.
        var tie = Tokenizer.Encode("the price is", "hello world !", maxLength: 7);
        Assert.Equal(Ids(101, 1996, 3976, 102, 7592, 2088, 102), tie.Ids);
        var tie2 = Tokenizer.Encode("the price is", "hello world !", maxLength: 8);
        Assert.Equal(Ids(101, 1996, 3976, 2003, 102, 7592, 2088, 102), tie2.Ids);
    }
}
