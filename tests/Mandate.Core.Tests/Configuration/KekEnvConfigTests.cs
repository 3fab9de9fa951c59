using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary><c>keys.kek_env</c> names the variable holding the key-encryption key; it never holds the key.</summary>
public sealed class KekEnvConfigTests
{
    [Fact]
    public void Parse_KekEnvNamesAVariable_IsRead()
    {
        Assert.Equal("ACME_KEK", Parse(Minimal + "\nkeys: { kek_env: ACME_KEK }\n").Keys.KekEnvironmentVariable);
    }

    [Theory]
    [InlineData("kek_env: 9KEK")]
    [InlineData("kek_env: \"a b\"")]
    [InlineData("kek_env: MANDATE-KEK")]
    public void Parse_KekEnvNotAVariableName_IsRefusedAtKekEnv(string line)
    {
        // docs/configuration.md, Environment: "an _env value that is not a variable name is a configuration problem".
        var problem = SingleProblem(Minimal + "\nkeys:\n  " + line + "\n");

        Assert.Equal(("keys.kek_env", 9), (problem.Path, problem.Line));
        Assert.Contains("must name an environment variable", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(line.Split(": ")[1].Trim('"'), problem.Message, StringComparison.Ordinal);
    }
}
