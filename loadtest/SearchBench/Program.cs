using System.Diagnostics;
using System.Globalization;
using Chat.Shared;
using Chat.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Search over a large embedded message store (issue 17). Seeds messages straight through the SQLite
// message store (StoreAsync in batches, as the Router stores them, not over REST), then measures
// search latency over random readers and words, and the store's messages stored/s with the full-text
// triggers on and, as before issue 17, off (dropped for those rounds, then put back).
//   dotnet run -c Release --project loadtest/SearchBench -- [--messages 1000000] [--conversations 2000] [--users 500] [--queries 300] [--rounds 3]
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal) && x.i + 1 < args.Length)
    .ToDictionary(x => x.a[2..], x => args[x.i + 1]);
int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var total = Option("messages", 1_000_000);
var conversationCount = Option("conversations", 2_000);
var userCount = Option("users", 500);
var queryCount = Option("queries", 300);
var rounds = Option("rounds", 3);
var roundMessages = Option("round-messages", 20_000);
var roundBatch = Option("round-batch", 100);
var dataDir = options.GetValueOrDefault("dir") ?? Directory.CreateTempSubdirectory("chat-search-bench-").FullName;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Chat:DataDir"] = dataDir });
builder.AddMessageStore();
var store = builder.Build().Services.GetRequiredService<IMessageStore>();
var file = Path.Combine(dataDir, StorageExtensions.MessagesFile);
var random = new Random(17);

// A vocabulary with a Zipf-like spread: a few words in many messages, most in few.
var syllables = new[] { "ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "da", "zu", "fa", "gre", "bli", "tor", "an", "el", "is", "om", "ur" };
var vocabulary = Enumerable.Range(0, 5_000).Select(i => string.Concat(Enumerable.Range(0, 2 + i % 3).Select(k => syllables[(i * 7 + k * 13 + i / 20 * k) % syllables.Length])) + (i % 10))
    .Distinct().ToArray();
var weights = vocabulary.Select((_, rank) => 1.0 / (rank + 1)).ToArray();
var cumulative = new double[weights.Length];
for (double sum = 0, i = 0; i < weights.Length; i++) cumulative[(int)i] = sum += weights[(int)i];
string Word()
{
    var at = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
    return vocabulary[Math.Min(vocabulary.Length - 1, at < 0 ? ~at : at)];
}

string Text() => string.Join(' ', Enumerable.Range(0, random.Next(6, 17)).Select(_ => Word()));

var users = Enumerable.Range(0, userCount).Select(i => $"user{i:000}").ToArray();
var conversations = new List<(string Id, string[] Members)>();
var existing = (await store.ListConversationsAsync(users[0], null, 1)).Count > 0;
for (var c = 0; c < conversationCount; c++)
{
    var members = users.OrderBy(_ => random.Next()).Take(5).ToArray();
    conversations.Add(($"bench-{c:00000}", members));
    if (!existing) await store.CreateConversationAsync(new Conversation($"bench-{c:00000}", Conversation.Group, members, null, members[0], DateTimeOffset.UtcNow));
}

var seeded = Scalar("SELECT count(*) FROM messages");
var nextId = seeded;
Console.WriteLine($"data: {file}; {seeded:N0} messages stored already; seeding to {total:N0} in batches of 1,000");
var clock = Stopwatch.StartNew();
var (sinceReport, reportedAt) = (Stopwatch.StartNew(), nextId);
while (nextId < total)
{
    var count = (int)Math.Min(1_000, total - nextId);
    await store.StoreAsync(Batch(count));
    if (nextId % 100_000 < count || nextId >= total)
    {
        Console.WriteLine($"  {nextId:N0} stored, {(nextId - reportedAt) / sinceReport.Elapsed.TotalSeconds:N0}/s lately, {clock.Elapsed.TotalSeconds:N0} s in all");
        (sinceReport, reportedAt) = (Stopwatch.StartNew(), nextId);
    }
}
Console.WriteLine($"index: {new FileInfo(file).Length / 1e6:N0} MB messages.db; plan: {string.Join(" | ", Plan())}");

// Search latency: readers and words at random, a page of 20 each; the last word of some queries a prefix.
var latencies = new List<double>();
var hits = new List<int>();
for (var q = 0; q < queryCount; q++)
{
    var reader = users[random.Next(users.Length)];
    var query = (q % 4) switch
    {
        0 => vocabulary[random.Next(0, 50)],                                        // common
        1 => vocabulary[random.Next(50, 1_000)],                                    // middling
        2 => vocabulary[random.Next(1_000, vocabulary.Length)],                     // rare
        _ => Word() + " " + vocabulary[random.Next(0, 1_000)][..3],                 // two words, the last a prefix
    };
    var started = Stopwatch.GetTimestamp();
    var found = await store.SearchAsync(new MessageQuery(reader, SearchText.WordsOf(query)), null, 20);
    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    hits.Add(found.Count);
}
latencies.Sort();

// Stored/s, triggers on and off in alternating rounds (the file grows a little between them alike).
var triggers = Column("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'messages_fts_%'");
var storedPerSecond = new List<(string Mode, int Round, double PerSecond)>();
for (var round = 1; round <= rounds; round++)
    foreach (var on in new[] { true, false })
    {
        if (!on) foreach (var name in new[] { "insert", "update", "delete" }) Execute($"DROP TRIGGER messages_fts_{name}");
        var started = Stopwatch.GetTimestamp();
        for (var done = 0; done < roundMessages; done += roundBatch) await store.StoreAsync(Batch(roundBatch));
        storedPerSecond.Add((on ? "FTS triggers on" : "off (before issue 17)", round, roundMessages / Stopwatch.GetElapsedTime(started).TotalSeconds));
        if (!on) foreach (var sql in triggers) Execute(sql);
    }

Console.WriteLine();
Console.WriteLine($"| {Scalar("SELECT count(*) FROM messages"):N0} messages, {conversationCount:N0} conversations of 5, {userCount} users | |");
Console.WriteLine("|---|---:|");
Console.WriteLine($"| search, {queryCount} queries (page of 20): p50 / p95 / p99 / max ms | {P(50):N1} / {P(95):N1} / {P(99):N1} / {latencies[^1]:N1} |");
Console.WriteLine($"| hits per query: mean / queries with none | {hits.Average():N1} / {hits.Count(h => h == 0)} |");
foreach (var mode in storedPerSecond.Select(s => s.Mode).Distinct())
{
    var runs = storedPerSecond.Where(s => s.Mode == mode).Select(s => s.PerSecond).ToList();
    Console.WriteLine($"| stored/s, {mode} ({rounds} × {roundMessages:N0} in batches of {roundBatch}): min–max (each) | " +
                      $"{runs.Min():N0}–{runs.Max():N0} ({string.Join(", ", runs.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))}) |");
}
return 0;

double P(int percentile) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(percentile / 100.0 * latencies.Count) - 1)];

List<MessageToStore> Batch(int count)
{
    var batch = new List<MessageToStore>(count);
    for (var i = 0; i < count; i++, nextId++)
    {
        var (id, members) = conversations[random.Next(conversations.Count)];
        var (from, to) = (members[random.Next(members.Length)], members[random.Next(members.Length)]);
        batch.Add(new MessageToStore(new NewMessage($"m{nextId}", id, from, [to], [Channels.App], new MessagePayload("text", Text(), null), DateTimeOffset.UtcNow),
            [new Delivery(to, Channels.App, MessageStatus.Sent)]));
    }
    return batch;
}

SqliteConnection Open()
{
    var connection = new SqliteConnection($"Data Source={file};Pooling=False");
    connection.Open();
    return connection;
}

long Scalar(string sql)
{
    using var connection = Open();
    using var command = new SqliteCommand(sql, connection);
    return (long)command.ExecuteScalar()!;
}

List<string> Column(string sql)
{
    using var connection = Open();
    using var command = new SqliteCommand(sql, connection);
    using var reader = command.ExecuteReader();
    var values = new List<string>();
    while (reader.Read()) values.Add(reader.GetString(0));
    return values;
}

void Execute(string sql)
{
    using var connection = Open();
    using var command = new SqliteCommand(sql, connection);
    command.ExecuteNonQuery();
}

// How SQLite runs a search: the index first, newest rowid first, then the reader's stretch by its key.
List<string> Plan()
{
    using var connection = Open();
    using var command = new SqliteCommand(
        "EXPLAIN QUERY PLAN SELECT m.message_id FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid WHERE messages_fts MATCH 'x' " +
        "AND messages_fts.rowid < 10 AND EXISTS (SELECT 1 FROM member_intervals i WHERE i.conversation_id = m.conversation_id AND i.username = 'u' " +
        "AND m.sequence_number >= i.joined_seq AND (i.left_seq IS NULL OR m.sequence_number < i.left_seq)) ORDER BY messages_fts.rowid DESC LIMIT 20", connection);
    using var reader = command.ExecuteReader();
    var plan = new List<string>();
    while (reader.Read()) plan.Add(reader.GetString(3));
    return plan;
}
