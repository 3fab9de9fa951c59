using System.Diagnostics;
using System.Security.Cryptography;
using Mandate.Core.Spiffe;

namespace Mandate.Core.Tests.Spiffe;

public sealed class UnixProcessAttestorTests
{
    [Fact]
    public void Attest_ThisProcess_GivesItsExecutableAndItsSha256()
    {
        Assert.True(OperatingSystem.IsLinux(), "process attestation reads /proc");
        var pid = Environment.ProcessId;
        var path = Environment.ProcessPath!;

        var process = new UnixProcessAttestor().Attest(pid, 0, 0, out var failure);

        Assert.Null(failure);
        Assert.NotNull(process);
        Assert.Equal(Path.GetFullPath(new FileInfo(path).ResolveLinkTarget(true)?.FullName ?? path), process.ExecutablePath);
        using var file = File.OpenRead(process.ExecutablePath!);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), process.ExecutableSha256);
        Assert.Equal("root", new UnixProcessAttestor().Attest(pid, 0, 0, out _)!.UserName);
    }

    [Fact]
    public async Task Attest_ProcessThatHasExited_IsRefusedNotAttributedToAnother()
    {
        using var child = Process.Start("/usr/bin/true")!;
        await child.WaitForExitAsync();
        var pid = child.Id;

        var process = new UnixProcessAttestor().Attest(pid, 0, 0, out var failure);

        Assert.Null(process);
        Assert.Contains($"process {pid}", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attest_PidReusedWhileTheExecutableIsHashed_IsRefused()
    {
        // A /proc double: exe is a FIFO, so hashing blocks until this test writes; meanwhile the test changes the
        // start time in stat, as the kernel would show it had the caller exited and its pid gone to a new process.
        using var dir = new TempDirectory();
        var proc = Directory.CreateDirectory(Path.Combine(dir.Path, "77")).FullName;
        var stat = Path.Combine(proc, "stat");
        await File.WriteAllTextAsync(stat, Stat(startTime: 1000));
        var fifo = Path.Combine(dir.Path, "agent-binary");
        using (var mkfifo = Process.Start("/usr/bin/mkfifo", fifo)!)
        {
            await mkfifo.WaitForExitAsync();
        }

        File.CreateSymbolicLink(Path.Combine(proc, "exe"), fifo);
        string? failure = null;
        var attesting = Task.Run(() => new UnixProcessAttestor(dir.Path, "/nonexistent").Attest(77, 1000, 1000, out failure));

        await using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write))
        {
            await File.WriteAllTextAsync(stat, Stat(startTime: 2000));
            await writer.WriteAsync("#!/bin/sh\n"u8.ToArray());
        }

        var process = await attesting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(process);
        Assert.Contains("exited or was replaced while it was being attested", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attest_BinaryRenamedOverThePathWithSameSizeAndMtime_GetsItsOwnHash()
    {
        // The attacker's program takes the trusted one's path, size and mtime; only its content differs.
        using var dir = new TempDirectory();
        var proc = Directory.CreateDirectory(Path.Combine(dir.Path, "77")).FullName;
        await File.WriteAllTextAsync(Path.Combine(proc, "stat"), Stat(startTime: 1000));
        var binary = Path.Combine(dir.Path, "agent");
        await File.WriteAllTextAsync(binary, "trusted!");
        var mtime = File.GetLastWriteTimeUtc(binary);
        File.CreateSymbolicLink(Path.Combine(proc, "exe"), binary);
        var attestor = new UnixProcessAttestor(dir.Path, "/nonexistent");
        var trusted = attestor.Attest(77, 1000, 1000, out _)!.ExecutableSha256;

        var replacement = Path.Combine(dir.Path, "agent.new");
        await File.WriteAllTextAsync(replacement, "evil!!!!");
        File.SetLastWriteTimeUtc(replacement, mtime);
        File.Move(replacement, binary, overwrite: true);
        var replaced = attestor.Attest(77, 1000, 1000, out _)!.ExecutableSha256;

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("evil!!!!"u8)), replaced);
        Assert.NotEqual(trusted, replaced);
    }

    // Fields 3..22 of /proc/<pid>/stat; field 22 is the start time.
    private static string Stat(int startTime) => "77 (my agent) S " + string.Join(' ', Enumerable.Range(4, 18)) + " " + startTime;
}
