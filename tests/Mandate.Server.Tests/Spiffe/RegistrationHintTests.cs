using Mandate.Core.Spiffe;
using Mandate.Server.WorkloadApi;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>The entry suggested to an unregistered caller never grants more than that program.</summary>
public sealed class RegistrationHintTests
{
    [Fact]
    public void Hint_KnownExecutable_NamesTheUidAndThePath()
    {
        var hint = RegistrationHint.For(new ProcessAttributes(42, 0, 0, "/opt/tools/refunds", null), "acme.example");

        Assert.Contains("--spiffe-id spiffe://acme.example/<path> --selector unix:uid:0 --selector unix:path:/opt/tools/refunds`", hint, StringComparison.Ordinal);
        Assert.DoesNotContain("shared runtime", hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/usr/share/dotnet/dotnet")]
    [InlineData("/usr/bin/python3.11")]
    [InlineData("/usr/bin/node")]
    public void Hint_SharedRuntime_WarnsThatThePathMatchesEveryProgramItRuns(string path)
    {
        var hint = RegistrationHint.For(new ProcessAttributes(42, 1000, 1000, path, null), "acme.example");

        Assert.Contains($"{path} is a shared runtime", hint, StringComparison.Ordinal);
        Assert.Contains("apphost", hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Hint_UnknownPath_NeverSuggestsTheUidAlone()
    {
        var hint = RegistrationHint.For(new ProcessAttributes(42, 0, 0, null, null), "acme.example");

        Assert.Contains("--selector unix:uid:0 --selector unix:sha256:", hint, StringComparison.Ordinal);
        Assert.Contains("a uid alone would match every process", hint, StringComparison.Ordinal);
    }
}
