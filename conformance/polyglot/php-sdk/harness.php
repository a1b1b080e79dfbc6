<?php
// Harness for Plivo's PHP SDK (plivo-php), run from its source tree on Debian's php with
// php-guzzlehttp-guzzle (no Composer: Debian's autoloader for Guzzle, and a PSR-4 autoloader
// here for the SDK's `Plivo\` classes under <sdk>/plivo-php/src/Plivo; see ../matrix/rows.py).
// Voice requests (MPC included) go to the SDK's fixed VOICE_BASE_API_URL, so the SDK gets a
// Guzzle client whose first middleware sends each request to the current base URL instead: its
// scheme, host and port, and its path (the example's `/__example/NAME`) before the SDK's path.
// The parse is what the SDK gives its caller: the answer as it decoded it (getContent()).
//   php harness.php SDK_DIR CONFIG      run the calls
//   php harness.php --check SDK_DIR     load the SDK only (the build step)
require_once '/usr/share/php/GuzzleHttp/autoload.php';

use GuzzleHttp\HandlerStack;
use GuzzleHttp\Middleware;
use Psr\Http\Message\RequestInterface;

$check = $argv[1] === '--check';
$sdk = $check ? $argv[2] : $argv[1];
spl_autoload_register(function ($class) use ($sdk) {
    $prefix = 'Plivo\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) return;
    $file = $sdk . '/src/Plivo/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) require $file;
});
$version = Plivo\Version::MAJOR . '.' . Plivo\Version::MINOR . '.' . Plivo\Version::PATCH;
if ($check) {
    new Plivo\RestClient('MANWVLYTK4ZWU1YTY4QA', 'token');
    echo $version, "\n";
    exit(0);
}
$cfg = json_decode(file_get_contents($argv[2]), true);
$base = null;

$stack = HandlerStack::create();
$stack->unshift(Middleware::mapRequest(function (RequestInterface $r) use (&$base) {
    $to = new GuzzleHttp\Psr7\Uri($base);
    $uri = $r->getUri()->withScheme($to->getScheme())->withHost($to->getHost())
        ->withPort($to->getPort())->withPath(rtrim($to->getPath(), '/') . $r->getUri()->getPath());
    return $r->withUri($uri);
}));
$client = new Plivo\RestClient($cfg['auth_id'], $cfg['auth_token']);
$client->client->setHttpClientHandler(new Plivo\HttpClients\PlivoGuzzleHttpClient(
    new GuzzleHttp\Client(['handler' => $stack]),
    new Plivo\Authentication\BasicAuth($cfg['auth_id'], $cfg['auth_token'])));

function listing($client, string $by, string $mpc, ?string $callUuid = null) {
    $args = [$by === 'name' ? 'friendly_name' : 'uuid' => $mpc];
    if ($callUuid !== null) $args['call_uuid'] = $callUuid;
    return $client->multiPartyCalls->listParticipants($args);
}

function error_text(Throwable $e): string {
    return substr(get_class($e) . ': ' . $e->getMessage(), 0, 500);
}

// The operations run (see ../matrix/orchestrate.py): each operation of the spec that the SDK
// implements, as its method of $client->multiPartyCalls, by the operationId without its
// ByName/ByUuid ending, with the API names it takes as positional arguments before its
// optionalArgs array (keyed by the API's names, the MPC as friendly_name or uuid); an
// operation missing here has no method in the SDK.
const METHODS = [
    'listMpcs' => ['getList', []], 'getMpc' => ['get', []], 'startMpc' => ['start', []],
    'endMpc' => ['stop', []], 'startMpcRecording' => ['startRecording', []],
    'stopMpcRecording' => ['stopRecording', []], 'pauseMpcRecording' => ['pauseRecording', []],
    'resumeMpcRecording' => ['resumeRecording', []],
    'addParticipant' => ['addParticipant', ['role']],
    'listParticipants' => ['listParticipants', []],
    'getParticipant' => ['getParticipant', ['member_id']],
    'updateParticipant' => ['updateParticipant', ['member_id']],
    'kickParticipant' => ['kickParticipant', ['member_id']],
    'startParticipantRecording' => ['startParticipantRecording', ['member_id']],
    'stopParticipantRecording' => ['stopParticipantRecording', ['member_id']],
    'pauseParticipantRecording' => ['pauseParticipantRecording', ['member_id']],
    'resumeParticipantRecording' => ['resumeParticipantRecording', ['member_id']],
    'startPlayAudio' => ['startPlayAudio', ['member_id', 'url']],
    'stopPlayAudio' => ['stopPlayAudio', ['member_id']],
];
const ARGUMENTS = ['mpc_name' => 'friendly_name', 'mpc_uuid' => 'uuid'];

function call_operation($client, array $op, array $query) {
    $entry = METHODS[preg_replace('/By(Name|Uuid)$/', '', $op['id'])] ?? null;
    if ($entry === null) return 'unsupported: the SDK has no method for it';
    [$method, $positional] = $entry;
    $values = [];
    foreach ($op['path_params'] as [$k, $v]) if ($k !== 'auth_id') $values[$k] = $v;
    foreach ($op['body'] ?? [] as $k => $v) $values[$k] = $v;
    foreach ($query as [$k, $v]) $values[$k] = $v;
    $args = array_map(fn($k) => $values[$k] ?? null, $positional);
    $optional = [];
    foreach ($values as $k => $v) if (!in_array($k, $positional, true)) $optional[ARGUMENTS[$k] ?? $k] = $v;
    // What the SDK returns, as JSON (its response objects' public fields).
    return json_decode(json_encode($client->multiPartyCalls->$method(...[...$args, $optional])), true);
}

function unsupported($said): bool {
    return is_string($said) && str_starts_with($said, 'unsupported');
}

// An SDK exception as the runner compares it: its class, and the status where it exposes one
// (PlivoResponseException::getStatusCode); it exposes no body.
function raised(Throwable $e): array {
    $out = ['$raises' => get_class($e), '$error' => substr(error_text($e), 0, 300)];
    if (method_exists($e, 'getStatusCode') && $e->getStatusCode()) $out['$status'] = $e->getStatusCode();
    return $out;
}

if (isset($cfg['operations'])) {
    $base = $cfg['requests_url'];
    $outcome = [];
    foreach ($cfg['operations'] as $op) {
        $runs = [[$op['id'], []]];
        if ($op['query']) $runs[] = [$op['id'] . '+query', $op['query']];
        foreach ($runs as [$key, $query]) {
            try {
                $said = call_operation($client, $op, $query);
                $outcome[$key] = unsupported($said) ? $said : 'ok';
            } catch (Throwable $e) {
                $outcome[$key] = substr('error: ' . error_text($e), 0, 500);
            }
        }
    }
    // Every response example of each operation it implements, from the base URL that serves it.
    $examples = [];
    foreach ($cfg['operations'] as $op) {
        if (unsupported($outcome[$op['id']])) continue;
        $examples[$op['id']] = new stdClass();
        foreach ($op['examples'] as $ex) {
            $base = $ex['url'];
            try {
                $examples[$op['id']]->{$ex['name']} = call_operation($client, $op, []);
            } catch (Throwable $e) {
                $examples[$op['id']]->{$ex['name']} = raised($e);
            }
        }
    }
    // The SDK echoes an error's message to stdout: the JSON starts on a line of its own.
    echo "\n", json_encode(['client' => "plivo-php $version", 'operations' => $outcome,
                           'examples' => $examples], JSON_UNESCAPED_SLASHES), "\n";
    exit(0);
}

$parses = [];
foreach ($cfg['examples'] as $name => $url) {
    $base = $url;
    $both = [];
    foreach ([['by_name', 'name', $cfg['mpc_name']], ['by_uuid', 'uuid', $cfg['mpc_uuid']]] as [$key, $by, $mpc]) {
        try {
            $both[$key] = listing($client, $by, $mpc);
        } catch (Throwable $e) {
            $both[$key] = ['$error' => error_text($e)];
        }
    }
    $parses[$name] = $both;
}
$base = $cfg['requests_url'];
$calls = [];
foreach ($cfg['request_calls'] as $call) {
    try {
        listing($client, $call['by'], $call['mpc'], $call['call_uuid']);
        $calls[$call['id']] = 'ok';
    } catch (Throwable $e) {
        $calls[$call['id']] = substr('error: ' . error_text($e), 0, 300);
    }
}
echo json_encode(['client' => "plivo-php $version", 'parses' => $parses, 'calls' => $calls],
                 JSON_UNESCAPED_SLASHES), "\n";
