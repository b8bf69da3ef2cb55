namespace Chat.Files.Tests;

/// <summary>What every file record store must do; one subclass per adapter.</summary>
public abstract class FileRecordStoreContract : IDisposable
{
    protected readonly TempDirectory Data = new();

    /// <summary>A time every adapter keeps exactly.</summary>
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The adapter's settings (none: SQLite under <see cref="Data"/>).</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    private IFileRecordStore OpenFiles() => Stores.OpenFileRecordStore(Data.Path, Settings);

    private static FileRecord Uploading(string id) =>
        new(id, "ann", "plan.txt", "text/plain", 42, new string('b', 64), "files/" + id, FileRecord.Uploading, "upload-7", At, null, []);

    [Fact]
    public async Task A_file_keeps_its_record_and_every_concurrent_share()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => OpenFiles()).ToList();
        var file = new FileRecord("f1", "alice", "report.pdf", "application/pdf", 1234, new string('a', 64), "files/f1", FileRecord.Uploading,
            null, DateTimeOffset.UtcNow, null, []);
        await stores[0].PutFileAsync(file);
        await stores[1].PutFileAsync(file with { Status = FileRecord.Completed, CompletedAt = DateTimeOffset.UtcNow });

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => stores[i % 4].ShareFileAsync("f1", $"c{i % 6}"))));
        var found = await stores[2].FindFileAsync("f1");
        Assert.NotNull(found);
        Assert.Equal(FileRecord.Completed, found.Status);
        Assert.Equal(1234, found.Size);
        Assert.Equal(["c0", "c1", "c2", "c3", "c4", "c5"], found.SharedIn);
        Assert.Null(await stores[0].FindFileAsync("f2"));

        Assert.True(await stores[3].DeleteFileAsync("f1"));
        Assert.Null(await stores[0].FindFileAsync("f1"));
        Assert.False(await stores[0].DeleteFileAsync("f1"));
    }

    [Fact]
    public async Task A_record_reads_back_whole_and_putting_it_again_keeps_its_shares()
    {
        var store = OpenFiles();
        var uploading = Uploading("f3");
        await store.PutFileAsync(uploading with { SharedIn = ["not-a-share"] });
        var read = await store.FindFileAsync("f3");
        Assert.NotNull(read);
        Assert.Equal(uploading with { SharedIn = read.SharedIn }, read);
        Assert.Empty(read.SharedIn);

        await store.ShareFileAsync("f3", "conv-b");
        await store.ShareFileAsync("f3", "conv-a");
        await store.ShareFileAsync("f3", "conv-b");
        var completed = uploading with { Status = FileRecord.Completed, UploadId = null, CompletedAt = At.AddMinutes(1) };
        await store.PutFileAsync(completed);

        var found = await store.FindFileAsync("f3");
        Assert.NotNull(found);
        Assert.Equal(completed with { SharedIn = found.SharedIn }, found);
        Assert.Equal(["conv-a", "conv-b"], found.SharedIn);
    }

    [Fact]
    public async Task Deleting_a_file_removes_its_shares_with_it()
    {
        var store = OpenFiles();
        await store.PutFileAsync(Uploading("f4"));
        await store.ShareFileAsync("f4", "conv-a");
        Assert.True(await store.DeleteFileAsync("f4"));

        // A record put again under the id starts with no shares.
        await store.PutFileAsync(Uploading("f4"));
        Assert.Empty((await store.FindFileAsync("f4"))!.SharedIn);
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteFileRecordStoreTests : FileRecordStoreContract;

public sealed class EtcdFileRecordStoreTests : FileRecordStoreContract
{
    // Each test its own key space in the shared etcd.
    private readonly string _prefix = $"/chat-test-{Guid.NewGuid():N}/";

    protected override IDictionary<string, string?> Settings => TestServers.EtcdMetadata(_prefix);
}
