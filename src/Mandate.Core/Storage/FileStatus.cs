using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Mandate.Core.Storage;

/// <summary>
/// A file's inode number or size, read with Linux's <c>statx(2)</c> asking for that field alone. <c>stat(2)</c> also
/// reads the file's timestamps, and since Linux 6.13 (multigrain timestamps) a file whose times were read gets a
/// fine-grained mtime at its next write, which its next <c>fsync</c> must then write out: one more synchronous disk
/// write per audit commit, for checks that want neither time. Elsewhere, or where <c>statx</c> is refused (an old
/// kernel, a container's seccomp profile), the callers fall back to <c>stat(2)</c>.
/// </summary>
public static class FileStatus
{
    private const int AtCurrentDirectory = -100;
    private const uint StatxInode = 0x100;
    private const uint StatxSize = 0x200;
    private const int BufferBytes = 256;
    private static bool s_unavailable;

    /// <summary>Device and inode of the file at <paramref name="path"/>, as <c>stat(2)</c> reports <c>st_dev</c> and <c>st_ino</c>.</summary>
    public static bool TryIdentity(string path, out ulong device, out ulong inode)
    {
        Span<byte> buffer = stackalloc byte[BufferBytes];
        if (!TryStatx(path, StatxInode, buffer))
        {
            (device, inode) = (0, 0);
            return false;
        }

        // struct statx: stx_ino at 32, stx_dev_major and stx_dev_minor at 136 and 140; st_dev is glibc's makedev of the two.
        var major = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(buffer[136..]);
        var minor = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(buffer[140..]);
        device = ((major & 0xfffff000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00) << 12) | (minor & 0xff);
        inode = BinaryPrimitives.ReadUInt64LittleEndian(buffer[32..]);
        return true;
    }

    /// <summary>The size in bytes of the file at <paramref name="path"/>; 0 when there is none.</summary>
    public static long SizeOf(string path)
    {
        Span<byte> buffer = stackalloc byte[BufferBytes];
        if (TryStatx(path, StatxSize, buffer))
        {
            return (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer[40..]);
        }

        var file = new FileInfo(path);
        return file.Exists ? file.Length : 0;
    }

    private static bool TryStatx(string path, uint mask, Span<byte> buffer)
    {
        if (!OperatingSystem.IsLinux() || !BitConverter.IsLittleEndian || s_unavailable)
        {
            return false;
        }

        try
        {
            // stx_mask (offset 0) says which fields were filled in.
            return NativeMethods.statx(AtCurrentDirectory, path, 0, mask, ref MemoryMarshal.GetReference(buffer)) == 0
                && (BinaryPrimitives.ReadUInt32LittleEndian(buffer) & mask) == mask;
        }
        catch (EntryPointNotFoundException)
        {
            // glibc before 2.28, or another C library without the wrapper.
            s_unavailable = true;
            return false;
        }
        catch (DllNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    private static class NativeMethods
    {
        // A failure (no such file, statx refused) is only ever answered by the caller's fallback, so errno is not kept.
        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, ref byte buffer);
    }
}
