using Mandate.Core.Configuration;

namespace Mandate.Core.Tests.Configuration;

/// <summary>Reading the PostgreSQL connection string at start-up: from the named variable or file, and every refusal.</summary>
public sealed class PostgresConnectionStringTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadConnectionString_EnvironmentVariableSet_ReturnsItTrimmed()
    {
        var config = new PostgresStoreConfig { ConnectionStringEnvironmentVariable = "PG_CONN" };

        var value = config.ReadConnectionString(name => name == "PG_CONN" ? " Host=db;Username=mandate \n" : null, out var warning);

        Assert.Equal("Host=db;Username=mandate", value);
        Assert.Null(warning);
    }

    [Fact]
    public void ReadConnectionString_EnvironmentVariableMissing_RefusedNamingIt()
    {
        var config = new PostgresStoreConfig { ConnectionStringEnvironmentVariable = "PG_CONN" };

        var e = Assert.Throws<MandateConfigException>(() => config.ReadConnectionString(_ => null, out _));

        Assert.Contains("PG_CONN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadConnectionString_FileMissing_RefusedNamingIt()
    {
        var file = _dir.File("pg.conn");
        var config = new PostgresStoreConfig { ConnectionStringFile = file };

        var e = Assert.Throws<MandateConfigException>(() => config.ReadConnectionString(_ => null, out _));

        Assert.Contains(file, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadConnectionString_FileEmpty_RefusedNamingIt()
    {
        var file = _dir.File("pg.conn");
        File.WriteAllText(file, "  \n");
        var config = new PostgresStoreConfig { ConnectionStringFile = file };

        var e = Assert.Throws<MandateConfigException>(() => config.ReadConnectionString(_ => null, out _));

        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void ReadConnectionString_OwnerOnlyFile_ReturnsItTrimmedWithoutWarning()
    {
        var file = _dir.File("pg.conn");
        File.WriteAllText(file, "Host=db;Password=s3cret\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = new PostgresStoreConfig { ConnectionStringFile = file };

        var value = config.ReadConnectionString(_ => null, out var warning);

        Assert.Equal("Host=db;Password=s3cret", value);
        Assert.Null(warning);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void ReadConnectionString_WorldReadableFile_WarnsWithTheFixAndNeverThePassword()
    {
        var file = _dir.File("pg.conn");
        File.WriteAllText(file, "Host=db;Password=s3cret");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var config = new PostgresStoreConfig { ConnectionStringFile = file };

        config.ReadConnectionString(_ => null, out var warning);

        Assert.NotNull(warning);
        Assert.Contains("chmod 600", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", warning, StringComparison.Ordinal);
    }
}
