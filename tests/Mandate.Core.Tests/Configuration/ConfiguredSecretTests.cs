using Mandate.Core.Configuration;

namespace Mandate.Core.Tests.Configuration;

/// <summary>A secret named by <c>&lt;key&gt;_env</c> or <c>&lt;key&gt;_file</c>: how it is read, and every refusal.</summary>
public sealed class ConfiguredSecretTests : IDisposable
{
    private const string Setting = "postgres.connection_string";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Read_EnvironmentVariableSet_ReturnsItTrimmed()
    {
        var secret = ConfiguredSecret.FromEnvironment(Setting, "PG_CONN");

        var value = secret.Read(name => name == "PG_CONN" ? " Host=db;Username=mandate \n" : null, out var warning);

        Assert.Equal("Host=db;Username=mandate", value);
        Assert.Null(warning);
        Assert.Equal("env:PG_CONN", secret.Source);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  \n")]
    public void Read_EnvironmentVariableUnsetOrBlank_RefusedNamingItAndTheSetting(string? value)
    {
        var secret = ConfiguredSecret.FromEnvironment(Setting, "PG_CONN");

        var e = Assert.Throws<MandateConfigException>(() => secret.Read(_ => value, out _));

        Assert.Contains("postgres.connection_string_env names the environment variable PG_CONN, which is not set or empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EnvironmentVariableUnset_MessageAndProblemAreTheSentenceAlone()
    {
        var secret = ConfiguredSecret.FromEnvironment(Setting, "PG_CONN");

        var e = Assert.Throws<MandateConfigException>(() => secret.Read(_ => null, out _));

        Assert.StartsWith("postgres.connection_string_env names the environment variable PG_CONN", e.Message, StringComparison.Ordinal);
        Assert.Equal(e.Message, Assert.Single(e.Problems).ToString());
    }

    [Fact]
    public void Read_FileMissing_RefusedNamingIt()
    {
        var file = _dir.File("pg.conn");
        var secret = ConfiguredSecret.FromFile(Setting, file);

        var e = Assert.Throws<MandateConfigException>(() => secret.Read(_ => null, out _));

        Assert.StartsWith($"postgres.connection_string_file {file} cannot be read", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FileIsADirectory_RefusedAsUnreadable()
    {
        var secret = ConfiguredSecret.FromFile(Setting, _dir.Path);

        var e = Assert.Throws<MandateConfigException>(() => secret.Read(_ => null, out _));

        Assert.Contains("cannot be read", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FileEmpty_RefusedNamingIt()
    {
        var file = _dir.File("pg.conn");
        File.WriteAllText(file, "  \n");
        var secret = ConfiguredSecret.FromFile(Setting, file);

        var e = Assert.Throws<MandateConfigException>(() => secret.Read(_ => null, out _));

        Assert.Contains($"postgres.connection_string_file {file} is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Read_OwnerOnlyFile_ReturnsItTrimmedWithoutWarning()
    {
        var file = _dir.File("pg.conn");
        File.WriteAllText(file, "Host=db;Password=s3cret\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var secret = ConfiguredSecret.FromFile(Setting, file);

        var value = secret.Read(_ => null, out var warning);

        Assert.Equal("Host=db;Password=s3cret", value);
        Assert.Null(warning);
        Assert.Equal($"file:{file}", secret.Source);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Read_WorldReadableFile_WarnsWithTheFixAndNeverTheSecret()
    {
        var file = _dir.File("pg.conn");
        File.WriteAllText(file, "Host=db;Password=s3cret");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var secret = ConfiguredSecret.FromFile(Setting, file);

        secret.Read(_ => null, out var warning);

        Assert.NotNull(warning);
        Assert.Contains("chmod 600", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  client_secret_env: A\n  client_secret_file: b", "console.oidc.client_secret_file", "set client_secret_env or client_secret_file, not both")]
    [InlineData("  client_secret_env: \"hunter2=secret value\"", "console.oidc.client_secret_env", "must name an environment variable")]
    public void ReadFrom_BothOrNotAVariableName_ReportedAtTheKey(string lines, string path, string message)
    {
        var yaml = ConfigTestData.Minimal + "\nconsole:\n  listen: http://127.0.0.1:8470\n  oidc:\n    issuer: https://login.acme.example\n    client_id: c\n    roles: { admin: [a] }\n  " + lines.Replace("\n", "\n  ", StringComparison.Ordinal);

        var problem = ConfigTestData.SingleProblem(yaml);

        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFrom_NeitherGivenWhereRequired_ReportedNamingBoth()
    {
        var problem = ConfigTestData.SingleProblem(ConfigTestData.Minimal + "\nstore: postgres\npostgres:\n  schema: mandate");

        Assert.Equal("postgres.connection_string_env", problem.Path);
        Assert.Contains("needs connection_string_env", problem.Message, StringComparison.Ordinal);
        Assert.Contains("or connection_string_file", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFrom_NeitherGivenWhereOptional_IsNull()
    {
        var options = ConfigTestData.Parse(ConfigTestData.Minimal + "\ntelemetry:\n  otlp_endpoint: http://127.0.0.1:4318");

        Assert.Null(options.Telemetry.Headers);
    }

    [Fact]
    public void ReadFrom_File_ResolvedAgainstTheConfigurationFolder()
    {
        var options = ConfigTestData.Parse(ConfigTestData.Minimal + "\ntelemetry:\n  otlp_endpoint: http://127.0.0.1:4318\n  headers_file: secrets/otlp");

        Assert.Equal(Path.Combine(ConfigTestData.Folder, "secrets", "otlp"), options.Telemetry.Headers!.File);
        Assert.Equal("telemetry.headers", options.Telemetry.Headers.Setting);
    }
}
