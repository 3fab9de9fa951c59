using Mandate.Core.Keys;

namespace Mandate.Core.Tests.Keys;

/// <summary>How the broker writes a file its keys depend on: whole or not at all, owner-only, never over another.</summary>
public sealed class PrivateFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WriteAllText_NewFile_HoldsTheTextOwnerOnly_NoTemporaryFileLeft()
    {
        var path = _dir.File("keys", "kek");

        PrivateFile.WriteAllText(path, "text-1");

        Assert.Equal("text-1", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir.File("keys")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void WriteAllText_FileExists_Throws_TheFileKeepsItsText()
    {
        var path = _dir.File("kek");
        PrivateFile.WriteAllText(path, "text-1");

        Assert.ThrowsAny<IOException>(() => PrivateFile.WriteAllText(path, "text-2"));

        Assert.Equal("text-1", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void WriteAllText_TemporaryFileLeftByACrash_DoesNotStandInTheWay()
    {
        var path = _dir.File("kek");
        var leftover = _dir.File(".kek.0a0b0c0d0e0f.partial");
        File.WriteAllText(leftover, "half-written");

        PrivateFile.WriteAllText(path, "text-1");

        Assert.Equal("text-1", File.ReadAllText(path));
        Assert.Equal([leftover, path], Directory.GetFiles(_dir.Path).Order(StringComparer.Ordinal));
    }
}
