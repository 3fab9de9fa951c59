namespace Mandate.Cli.Tests.Durability;

/// <summary>
/// A small ext4 file system on a loop device, mounted <c>errors=remount-ro</c> at a folder, that can be made to meet an
/// error mid-run (<c>/sys/fs/ext4/DEV/trigger_fs_error</c>): the kernel turns it read-only at once, under open files,
/// as it does on a real I/O error. A remount read-only by hand is refused while the broker holds its store open for
/// writing (EBUSY). It comes back only unmounted, checked (<c>e2fsck</c>) and mounted again. Needs root on Linux, like
/// <see cref="SmallDisk"/>.
/// </summary>
internal sealed class ErroredDisk : IDisposable
{
    private readonly string _image;
    private readonly string _path;

    private ErroredDisk(string image, string path)
    {
        _image = image;
        _path = path;
    }

    public static ErroredDisk Mount(string image, string path)
    {
        using (var file = File.Create(image))
        {
            file.SetLength(64L * 1024 * 1024);
        }

        SmallDisk.Run("mkfs.ext4", "-q", image);
        var disk = new ErroredDisk(image, path);
        disk.MountAgain();
        return disk;
    }

    /// <summary>Flushes what was written to the file system so far, as time (the journal's commit interval) would.</summary>
    public void Sync() => SmallDisk.Run("sync", "-f", _path);

    /// <summary>An error as a failing disk would raise: the file system turns read-only under the running broker.</summary>
    public void FailReadOnly()
    {
        var device = File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).Single(f => f[1] == _path)[0];
        File.WriteAllText($"/sys/fs/ext4/{Path.GetFileName(device)}/trigger_fs_error", "1");
    }

    /// <summary>What an operator does once the broker is down: unmount, check, mount again.</summary>
    public void Repair()
    {
        SmallDisk.Run("umount", _path);
        // e2fsck exits 1 when it corrected something, as after an error it should.
        SmallDisk.Run("sh", "-c", "e2fsck -fy \"$0\" >/dev/null; test $? -le 1", _image);
        MountAgain();
    }

    private void MountAgain()
    {
        Directory.CreateDirectory(_path);
        SmallDisk.Run("mount", "-o", "loop,errors=remount-ro", _image, _path);
    }

    /// <summary>Whether loop devices and ext4's error trigger are here, besides the root that <see cref="SmallDisk"/> needs.</summary>
    public static bool Available => SmallDisk.Available.Value && File.Exists("/dev/loop-control") && Directory.Exists("/sys/fs/ext4");

    public void Dispose()
    {
        SmallDisk.Run("umount", "-l", _path);
        File.Delete(_image);
    }
}
