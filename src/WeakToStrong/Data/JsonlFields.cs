namespace WeakToStrong.Data;

/// <summary>Which JSON properties of a JSONL line hold the text, the optional second text, and the label.</summary>
public sealed record JsonlFields(string Text = "text", string TextPair = "text_pair", string Label = "label")
{
    public static JsonlFields Default { get; } = new();
}
