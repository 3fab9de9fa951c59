using Mandate.Core.Audit.Streaming;
using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary><c>audit.stream:</c> one destination (file or socket) and/or OTLP logs; every bad value refused with its key.</summary>
public sealed class AuditStreamConfigTests
{
    [Fact]
    public void Parse_NoStream_Off()
    {
        var stream = Parse(Minimal).AuditStream;

        Assert.False(stream.Enabled);
        Assert.Null(stream.Destination);
    }

    [Fact]
    public void Parse_RelativeFile_ResolvedWithItsCursorBeside()
    {
        var stream = Parse(Minimal + "\naudit: { stream: { file: siem/audit.jsonl, buffer: 50 } }\n").AuditStream;

        Assert.Equal(new AuditStreamDestination(AuditStreamDestinationKind.File, Path.Combine(Folder, "siem", "audit.jsonl")), stream.Destination);
        Assert.Equal(Path.Combine(Folder, "siem", "audit.jsonl.cursor"), stream.CursorFile);
        Assert.Equal(50, stream.Buffer);
    }

    [Fact]
    public void Parse_TcpSocket_HostAndPortWithTheCursorInTheDataFolder()
    {
        var options = Parse(Minimal + "\naudit: { stream: { socket: 'tcp://siem.example:6514' } }\n");

        Assert.Equal(new AuditStreamDestination(AuditStreamDestinationKind.Tcp, "siem.example", 6514), options.AuditStream.Destination);
        Assert.Equal(Path.Combine(options.DataDirectory, "audit-stream.cursor"), options.AuditStream.CursorFile);
        Assert.Equal(AuditStreamOptions.DefaultBuffer, options.AuditStream.Buffer);
    }

    [Fact]
    public void Parse_UnixSocketAndCursor_Resolved()
    {
        var stream = Parse(Minimal + "\naudit: { stream: { socket: 'unix:run/siem.sock', cursor: state/siem.cursor } }\n").AuditStream;

        Assert.Equal(new AuditStreamDestination(AuditStreamDestinationKind.UnixSocket, Path.Combine(Folder, "run", "siem.sock")), stream.Destination);
        Assert.Equal(Path.Combine(Folder, "state", "siem.cursor"), stream.CursorFile);
    }

    [Fact]
    public void Parse_OtlpLogsWithTelemetry_OnWithoutADestination()
    {
        var stream = Parse(Minimal + "\ntelemetry: { otlp_endpoint: 'http://127.0.0.1:4318' }\naudit: { stream: { otlp_logs: true } }\n").AuditStream;

        Assert.True(stream is { Enabled: true, OtlpLogs: true, Destination: null });
    }

    [Theory]
    [InlineData("audit: { stream: { file: a.jsonl, socket: 'tcp://127.0.0.1:514' } }", "audit.stream.socket")]
    [InlineData("audit: { stream: { socket: 'udp://127.0.0.1:514' } }", "audit.stream.socket")]
    [InlineData("audit: { stream: { socket: 'tcp://127.0.0.1' } }", "audit.stream.socket")]
    [InlineData("audit: { stream: { socket: 'tcp://127.0.0.1:0' } }", "audit.stream.socket")]
    [InlineData("audit: { stream: { socket: 'tcp://127.0.0.1:99999' } }", "audit.stream.socket")]
    [InlineData("audit: { stream: { socket: 'tcp://user:pw@127.0.0.1:514' } }", "audit.stream.socket")]
    [InlineData("audit: { stream: { socket: 'tcp://127.0.0.1:514/path' } }", "audit.stream.socket")]
    [InlineData("audit: { stream: { socket: 'unix:' } }", "audit.stream.socket")]
    [InlineData("audit: { stream: { socket: /var/run/siem.sock } }", "audit.stream.socket")]
    [InlineData("audit: { stream: { file: a.jsonl, buffer: 0 } }", "audit.stream.buffer")]
    [InlineData("audit: { stream: { file: a.jsonl, buffer: 100001 } }", "audit.stream.buffer")]
    [InlineData("audit: { stream: { file: a.jsonl, buffer: many } }", "audit.stream.buffer")]
    [InlineData("audit: { stream: { file: a.jsonl, otlp_logs: maybe } }", "audit.stream.otlp_logs")]
    [InlineData("audit: { stream: { file: a.jsonl, otlp_logs: true } }", "audit.stream.otlp_logs")]
    [InlineData("audit: { stream: { file: a.jsonl, cursor: a.jsonl } }", "audit.stream.cursor")]
    [InlineData("audit: { stream: { buffer: 10 } }", "audit.stream.file")]
    [InlineData("audit: { checkpoints: { file: a.jsonl }, stream: { file: a.jsonl } }", "audit.stream.file")]
    [InlineData("audit: { stream: { fille: a.jsonl } }", "audit.stream.fille")]
    [InlineData("audit: { stream: a.jsonl }", "audit.stream")]
    public void Parse_BadStreamSetting_ReportsTheKey(string line, string key)
    {
        var e = Assert.Throws<MandateConfigException>(() => Parse(Minimal + "\n" + line + "\n"));

        Assert.Contains(e.Problems, p => p.Path == key);
    }

    [Fact]
    public void Parse_UnixSocketPathTooLong_Refused()
    {
        var e = Assert.Throws<MandateConfigException>(() => Parse(Minimal + $"\naudit: {{ stream: {{ socket: 'unix:/{new string('s', 120)}.sock' }} }}\n"));

        Assert.Contains(e.Problems, p => p.Path == "audit.stream.socket" && p.Message.Contains("longer", StringComparison.Ordinal));
    }
}
