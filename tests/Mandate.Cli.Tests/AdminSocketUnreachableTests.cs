using System.Net.Sockets;
using Mandate.Cli.Commands;
using Mandate.Core.Configuration;

namespace Mandate.Cli.Tests;

/// <summary>
/// An admin command that cannot connect says in one line why and how to fix it, and exits 3 having done nothing:
/// no socket file (no broker started), a file nothing serves (a broker that was killed), a socket this user may not use.
/// </summary>
public sealed class AdminSocketUnreachableTests
{
    [Fact]
    public async Task AdminCommand_NoSocketFile_SaysNoAdminSocketAndHowToStartTheBroker()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var (exit, output) = await CliRunner.RunAsync("revoke", "-c", config, "--user", "alice", "--reason", "test");

        Assert.Equal(3, exit);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: no admin socket at {ConfigLoader.LoadFile(config).AdminSocket}: is 'mandate serve' running", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminCommand_SocketFileNothingServes_SaysTheBrokerIsNotRunning()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var socket = ConfigLoader.LoadFile(config).AdminSocket;
        Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
        StaleSocket.LeaveAt(socket);

        var (exit, output) = await CliRunner.RunAsync("agents", "disable", "-c", config, "spiffe://acme.example/agents/a", "--reason", "test");

        Assert.Equal(3, exit);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: nothing answers on the broker's admin socket {socket}: the broker that made it is not running", line, StringComparison.Ordinal);
    }

    [Fact]
    public void AdminSocketPermissionDenied_SaysToRunAsTheBrokersUser()
    {
        // Root is never refused by a socket's mode, so the kernel's answer is given here rather than provoked.
        var message = AdminSocketUnreachable.Message("/var/lib/mandate/admin.sock", SocketError.AccessDenied);

        Assert.StartsWith("permission denied on the broker's admin socket /var/lib/mandate/admin.sock", message, StringComparison.Ordinal);
        Assert.Contains("run the command as that user", message, StringComparison.Ordinal);
    }
}
