using Microsoft.Data.Sqlite;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Issue 25, epochs after a loss: the message store is backed up (SQLite's VACUUM INTO, while it runs), a message
/// is stored after the backup, the store is wiped and the backup put back; started with <c>Store:RestoreId</c>,
/// each conversation has a new epoch, so a client holding the old one is told by sync.done to start over (its
/// after_seq names a message the restore lost) and one holding the new one is not. Started again with the same
/// id, nothing is renewed twice.
/// </summary>
public sealed class RestoreTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_restored_store_gives_each_conversation_a_new_epoch_once_and_sync_tells_only_old_holders_to_start_over()
    {
        using var backup = new TempDirectory();
        using var restored = new TempDirectory();
        string direct, old;
        await using (var before = await ChatServer.StartAsync())
        {
            var alice = await before.Client().SignUpAsync("rsalice");
            var bob = await before.Client().SignUpAsync("rsbob");
            direct = await alice.CreateConversationAsync("direct", bob.Username!);
            await alice.SendTextAsync(direct, "one");
            await alice.SendTextAsync(direct, "two");
            await Eventually.UntilAsync(() => bob.HistoryAsync(direct), h => h.Count == 2, Deadline, "two stored");
            Vacuum(Path.Combine(before.DataDir, "messages.db"), Path.Combine(backup.Path, "messages.db"));

            await alice.SendTextAsync(direct, "three, after the backup");
            var page = await Eventually.UntilAsync(() => bob.GetJsonAsync($"/v1/conversations/{direct}/messages"), p => p["items"]!.AsArray().Count == 3, Deadline, "three stored");
            old = page["epoch"]!.GetValue<string>();
            await before.StopAsync();

            // The loss: the store goes, the backup comes back (the other services' files stay as they were).
            CopyDirectory(before.DataDir, restored.Path);
        }
        foreach (var file in Directory.GetFiles(restored.Path, "messages.db*")) File.Delete(file);
        File.Copy(Path.Combine(backup.Path, "messages.db"), Path.Combine(restored.Path, "messages.db"));

        var settings = new Dictionary<string, string?> { ["Store:RestoreId"] = "backup-2026-12-02" };
        string current;
        await using (var after = await ChatServer.StartAsync(settings, dataFrom: restored.Path))
        {
            var bob = await after.Client().SignInAsync("rsbob", ApiClient.Password);
            var page = await bob.GetJsonAsync($"/v1/conversations/{direct}/messages");
            Assert.Equal(["one", "two"], page["items"]!.AsArray().Select(m => m!["payload"]!["text"]!.GetValue<string>()));
            current = page["epoch"]!.GetValue<string>();
            Assert.NotEqual(old, current);

            await using var socket = await ChatSocket.ConnectAsync(after.BaseAddress, bob);
            await socket.SendAsync(new { type = "sync", conversation_id = direct, after_seq = 3, epoch = old });
            var told = await socket.WaitForAsync(f => ChatSocket.Type(f) == "sync.done", Deadline, "sync.done for the old epoch");
            Assert.Equal((current, true, 0L), (told["epoch"]!.GetValue<string>(), told["resync"]!.GetValue<bool>(), told["next_after_seq"]!.GetValue<long>()));

            await socket.SendAsync(new { type = "sync", conversation_id = direct, after_seq = 1, epoch = current });
            var trusted = await socket.WaitForAsync(f => ChatSocket.Type(f) == "sync.done" && f["resync"] is null, Deadline, "sync.done for the current epoch");
            Assert.Equal((current, 2L), (trusted["epoch"]!.GetValue<string>(), trusted["next_after_seq"]!.GetValue<long>()));
            await after.StopAsync();
            foreach (var file in Directory.GetFiles(restored.Path)) File.Delete(file);
            CopyDirectory(after.DataDir, restored.Path);
        }

        // Restarted with the restore id still set: it was applied, so the epoch stays.
        await using var again = await ChatServer.StartAsync(settings, dataFrom: restored.Path);
        var reader = await again.Client().SignInAsync("rsbob", ApiClient.Password);
        Assert.Equal(current, (await reader.GetJsonAsync($"/v1/conversations/{direct}/messages"))["epoch"]!.GetValue<string>());
    }

    /// <summary>A consistent copy of a live SQLite database (what a backup job runs).</summary>
    private static void Vacuum(string from, string to)
    {
        using var connection = new SqliteConnection($"Data Source={from};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $to";
        command.Parameters.AddWithValue("$to", to);
        command.ExecuteNonQuery();
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }
}
