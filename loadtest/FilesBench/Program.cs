using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

// Concurrent uploads through the presigned flow (initiate → PUT the bytes where the URL says →
// complete, which checks size and SHA-256). Reports throughput and the CPU the Files
// service process spent, read from the OS before and after, so it counts that process alone.
//   dotnet run -c Release --project loadtest/FilesBench -- --files-url URL --auth-url URL --files-pid PID [--uploads 50] [--size-mb 10] [--warmup 30] [--rounds 3] [--label s3]
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal) && x.i + 1 < args.Length)
    .ToDictionary(x => x.a[2..], x => args[x.i + 1]);
if (!options.ContainsKey("files-url") || !options.ContainsKey("auth-url") || !options.ContainsKey("files-pid"))
{
    Console.Error.WriteLine("usage: FilesBench --files-url http://… --auth-url http://… --files-pid PID [--uploads 50] [--size-mb 10] [--label name]");
    Console.Error.WriteLine("loadtest/files.sh starts an S3 server, the broker, Auth and the Files service, and runs this for both object stores.");
    return 2;
}
var uploads = int.Parse(options.GetValueOrDefault("uploads", "50"), CultureInfo.InvariantCulture);
var sizeMb = int.Parse(options.GetValueOrDefault("size-mb", "10"), CultureInfo.InvariantCulture);
var label = options.GetValueOrDefault("label", "files");
var files = new HttpClient { BaseAddress = new Uri(options["files-url"]), Timeout = TimeSpan.FromMinutes(10) };
var storage = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
var filesProcess = Process.GetProcessById(int.Parse(options["files-pid"], CultureInfo.InvariantCulture));

// One user, one token.
using (var auth = new HttpClient { BaseAddress = new Uri(options["auth-url"]) })
{
    var user = "bench" + Guid.NewGuid().ToString("N")[..8];
    const string password = "violet tractor ocean 42";
    (await auth.PostAsJsonAsync("/v1/auth/register", new { username = user, password })).EnsureSuccessStatusCode();
    var token = await (await auth.PostAsJsonAsync("/v1/auth/token", new { grant_type = "password", username = user, password })).Content.ReadFromJsonAsync<JsonObject>();
    files.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!["access_token"]!.GetValue<string>());
}

var size = sizeMb * 1024 * 1024;
var data = new byte[size];
new Random(42).NextBytes(data);
var sha = Convert.ToHexStringLower(SHA256.HashData(data));

// Warm-up, not measured: the first requests pay for JIT compilation (and tiered re-compilation,
// which goes on for dozens of calls) and connection set-up; a cold process costs several times more per upload.
var warmup = int.Parse(options.GetValueOrDefault("warmup", "30"), CultureInfo.InvariantCulture);
Console.WriteLine($"  warming up with {warmup} uploads");
for (var i = 0; i < warmup; i++) await UploadAsync();

// Several measured rounds in the same process: the first still pays for tiered JIT compilation,
// the last shows the steady state.
var rounds = int.Parse(options.GetValueOrDefault("rounds", "3"), CultureInfo.InvariantCulture);
Console.WriteLine();
Console.WriteLine("| store | round | uploads × size | failed | wall s | MB/s | uploads/s | upload p50 / p95 ms | Files CPU s | CPU ms / upload | CPU ms / MB |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
var failures = 0;
for (var round = 1; round <= rounds; round++) failures += await MeasureAsync(round);
return failures > 0 ? 1 : 0;

async Task<int> MeasureAsync(int round)
{
    var done = 0;
    var failed = 0;
    var latencies = new double[uploads];
    var cpuBefore = Refresh(filesProcess);
    var clock = Stopwatch.StartNew();
    using var progress = new Timer(_ => Console.Error.WriteLine($"  round {round}: {clock.Elapsed.TotalSeconds,5:0.0} s  {done}/{uploads} uploaded, {failed} failed"), null, 1000, 1000);
    await Task.WhenAll(Enumerable.Range(0, uploads).Select(async i =>
    {
        var started = Stopwatch.StartNew();
        try
        {
            await UploadAsync();
            latencies[i] = started.Elapsed.TotalMilliseconds;
            Interlocked.Increment(ref done);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref failed);
            Console.Error.WriteLine($"  upload {i}: {e.Message}");
        }
    }));
    var wall = clock.Elapsed;
    var cpu = Refresh(filesProcess) - cpuBefore;
    progress.Dispose();

    var megabytes = (double)done * size / (1024 * 1024);
    var ok = latencies.Where(l => l > 0).Order().ToArray();
    double P(double q) => ok.Length == 0 ? 0 : ok[Math.Min(ok.Length - 1, (int)(q * ok.Length))];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {label} | {round} | {done} × {sizeMb} MB | {failed} | {wall.TotalSeconds:0.0} | {megabytes / wall.TotalSeconds:0} | {done / wall.TotalSeconds:0.0} | {P(0.5):0} / {P(0.95):0} | {cpu.TotalSeconds:0.00} | {cpu.TotalMilliseconds / Math.Max(1, done):0.0} | {cpu.TotalMilliseconds / Math.Max(1, megabytes):0.00} |"));
    return failed;
}



async Task UploadAsync()
{
    var initiated = await Expect(await files.PostAsJsonAsync("/v1/files/initiate", new { filename = "bench.bin", content_type = "application/octet-stream", size, sha256 = sha }));
    var fileId = initiated["file_id"]!.GetValue<string>();
    object complete;
    if (initiated["parts"] is JsonArray parts)
    {
        var partSize = initiated["part_size"]!.GetValue<long>();
        var etags = new List<object>();
        foreach (var part in parts)
        {
            var number = part!["part_number"]!.GetValue<int>();
            var offset = (int)((number - 1) * partSize);
            var put = await storage.PutAsync(part["url"]!.GetValue<string>(), new ByteArrayContent(data, offset, (int)Math.Min(partSize, size - offset)));
            put.EnsureSuccessStatusCode();
            etags.Add(new { part_number = number, etag = put.Headers.ETag!.Tag });
        }
        complete = new { file_id = fileId, parts = etags };
    }
    else
    {
        // Exactly the headers initiate names: they are signed (with S3, the SHA-256 the store enforces).
        var request = new HttpRequestMessage(HttpMethod.Put, initiated["upload_url"]!.GetValue<string>()) { Content = new ByteArrayContent(data) };
        foreach (var (name, value) in initiated["headers"]!.AsObject())
            if (name == "content-type") request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value!.GetValue<string>());
            else request.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
        (await storage.SendAsync(request)).EnsureSuccessStatusCode();
        complete = new { file_id = fileId };
    }
    await Expect(await files.PostAsJsonAsync("/v1/files/complete", complete));
}

static async Task<JsonNode> Expect(HttpResponseMessage response) =>
    response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!
        : throw new HttpRequestException($"{response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");

static TimeSpan Refresh(Process process)
{
    process.Refresh();
    return process.TotalProcessorTime;
}
