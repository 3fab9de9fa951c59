using Mandate.Core.Protocol;

namespace Mandate.Core.Tests.Protocol;

public sealed class VisibleTextTests
{
    [Theory]
    [InlineData("refund 10\u202E0001", "refund 10\\u202E0001")]
    [InlineData("a\u2066b\u2069c", "a\\u2066b\\u2069c")]
    [InlineData("a\u200Fb\u061Cc\u200E", "a\\u200Fb\\u061Cc\\u200E")]
    [InlineData("line\u2028forged", "line\\u2028forged")]
    [InlineData("\u001b[2Jcleared\r\nnext\u0085", "\\u001B[2Jcleared\\u000D\\u000Anext\\u0085")]
    [InlineData("tab\there\u007f", "tab\\u0009here\\u007F")]
    public void Of_ControlsAndBidiCharacters_AreWrittenOut(string text, string shown) =>
        Assert.Equal(shown, VisibleText.Of(text));

    [Theory]
    [InlineData("")]
    [InlineData("agent 'spiffe://acme.example/agents/support' requests refunds:write")]
    [InlineData("Zoë, 東京, עברית, 👩‍💻")]
    public void Of_TextWithoutThem_IsReturnedUnchanged(string text) =>
        Assert.Same(text, VisibleText.Of(text));
}
