using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace Chat.Files.Media;

/// <summary>What clamd said of a stream: <see cref="Signature"/> is null when it found nothing.</summary>
public sealed record ScanVerdict(string? Signature)
{
    public bool Infected => Signature is not null;
}

/// <summary>clamd could not be reached, or did not scan the whole stream (a limit below the file's size): nothing may be called clean.</summary>
public sealed class ScannerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// ClamAV's clamd over TCP (<c>Files:ClamdAddress</c>, <c>host:port</c>), through <c>zINSTREAM</c>:
/// length-prefixed chunks, a zero-length chunk to end, one answer. Only <c>stream: OK</c> is clean;
/// an answer such as <c>INSTREAM size limit exceeded. ERROR</c> (clamd's <c>StreamMaxLength</c> below
/// the file's size) throws, so a file clamd did not read to its end is never passed.
/// </summary>
public sealed class ClamdScanner(IOptions<FilesOptions> options)
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>False when <c>Files:ClamdAddress</c> is unset: files are then not scanned (<c>scan: "skipped"</c>).</summary>
    public bool Configured => !string.IsNullOrWhiteSpace(options.Value.ClamdAddress);

    public async Task<ScanVerdict> ScanAsync(Stream content, CancellationToken cancellationToken)
    {
        var address = options.Value.ClamdAddress!;
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address[(colon + 1)..], out var port)) throw new InvalidOperationException($"Files:ClamdAddress '{address}' is not host:port.");
        using var client = new TcpClient { NoDelay = true };
        try
        {
            using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connecting.CancelAfter(options.Value.ClamdConnectTimeout);
                await client.ConnectAsync(address[..colon], port, connecting.Token);
            }
            var stream = client.GetStream();
            await stream.WriteAsync("zINSTREAM\0"u8.ToArray(), cancellationToken);
            var buffer = new byte[4 + ChunkSize];
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(4, ChunkSize), cancellationToken)) > 0)
            {
                BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)read);
                await stream.WriteAsync(buffer.AsMemory(0, 4 + read), cancellationToken);
            }
            await stream.WriteAsync(new byte[4], cancellationToken);
            return Verdict(await ReadAnswerAsync(stream, cancellationToken));
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // clamd closes the connection when a stream passes StreamMaxLength; that too is "not scanned".
            throw new ScannerUnavailableException($"clamd at {address} did not scan the file: {e.Message}", e);
        }
    }

    private static async Task<string> ReadAnswerAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var answer = new MemoryStream();
        var buffer = new byte[512];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var end = Array.IndexOf(buffer, (byte)0, 0, read);
            answer.Write(buffer, 0, end < 0 ? read : end);
            if (end >= 0 || answer.Length > 4096) break;
        }
        return Encoding.UTF8.GetString(answer.ToArray()).Trim();
    }

    /// <summary><c>stream: OK</c>, <c>stream: {signature} FOUND</c>; anything else (an ERROR) is no verdict.</summary>
    public static ScanVerdict Verdict(string answer)
    {
        var body = answer.StartsWith("stream:", StringComparison.Ordinal) ? answer["stream:".Length..].Trim() : answer;
        if (body == "OK") return new ScanVerdict(null);
        if (body.EndsWith(" FOUND", StringComparison.Ordinal)) return new ScanVerdict(body[..^" FOUND".Length]);
        throw new ScannerUnavailableException($"clamd did not scan the file: '{answer}'. If it is a size limit, raise StreamMaxLength, MaxFileSize and MaxScanSize to Files:MaxSize.");
    }
}
