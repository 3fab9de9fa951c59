using Mandate.Cli.Commands;

namespace Mandate.Cli.Tests;

/// <summary>Colour only when a person is watching: on a terminal, and never with NO_COLOR set (https://no-color.org).</summary>
public sealed class ColourTests
{
    [Theory]
    [InlineData(false, null, true)]
    [InlineData(false, "", true)]
    [InlineData(false, "1", false)]
    [InlineData(false, "0", false)]
    [InlineData(true, null, false)]
    [InlineData(true, "1", false)]
    public void UsesColour_OnlyOnATerminalWithoutNoColor(bool redirected, string? noColor, bool expected) =>
        Assert.Equal(expected, Output.UsesColour(redirected, noColor));

    [Fact]
    public async Task Output_Redirected_HasNoEscapeSequences()
    {
        var (exit, output) = await CliRunner.RunAsync("revok");

        Assert.Equal(2, exit);
        Assert.DoesNotContain('\u001b', output);
    }
}
