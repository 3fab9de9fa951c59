using Mandate.Cli.Commands;

namespace Mandate.Cli.Tests;

/// <summary>
/// <c>secrets set</c> and <c>token inspect -</c> read standard input: a person at a terminal is told what to type instead
/// of a silent wait; piped or redirected input gets no prompt, so scripts read clean output.
/// </summary>
public sealed class InputPromptTests
{
    [Theory]
    [InlineData(false, "paste the token, then Enter and Ctrl-D\n")]
    [InlineData(true, "")]
    public void PromptForInput_OnlyWhenStandardInputIsATerminal(bool inputRedirected, string shown)
    {
        using var writer = new StringWriter();
        Output.RedirectTo(writer);

        Output.PromptForInput("paste the token, then Enter and Ctrl-D", inputRedirected);

        Assert.Equal(shown, writer.ToString().ReplaceLineEndings("\n"));
    }
}
