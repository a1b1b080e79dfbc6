<?php
// Harness for the PHP client openapi-generator makes from the spec (see ../run.py). Runs on
// Debian's php with php-guzzlehttp-guzzle (no Composer: Debian's autoloader for Guzzle, and a
// PSR-4 autoloader here for the generated classes). The parse is printed with the generated
// ObjectSerializer, which writes the API's names. Each example is reached through its base URL
// (`<mock>/__example/NAME`): the host may carry a path.
//   php harness.php GENERATED_DIR CONFIG      run the calls
//   php harness.php --check GENERATED_DIR     load the client only (the build step)
require_once '/usr/share/php/GuzzleHttp/autoload.php';

$check = $argv[1] === '--check';
$gen = $check ? $argv[2] : $argv[1];
spl_autoload_register(function ($class) use ($gen) {
    $prefix = 'PlivoMpcGen\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) return;
    $file = $gen . '/lib/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) require $file;
});
if ($check) {
    new PlivoMpcGen\Api\ParticipantsApi();
    exit(0);
}
$cfg = json_decode(file_get_contents($argv[2]), true);

function conf(array $cfg, string $url): PlivoMpcGen\Configuration {
    return (new PlivoMpcGen\Configuration())
        ->setHost($url)->setUsername($cfg['auth_id'])->setPassword($cfg['auth_token']);
}

function api(array $cfg, string $url): PlivoMpcGen\Api\ParticipantsApi {
    return new PlivoMpcGen\Api\ParticipantsApi(new GuzzleHttp\Client(), conf($cfg, $url));
}

function listing(array $cfg, $api, string $by, string $mpc, ?string $callUuid = null) {
    $page = $by === 'name'
        ? $api->listParticipantsByName($cfg['auth_id'], $mpc, $callUuid)
        : $api->listParticipantsByUuid($cfg['auth_id'], $mpc, $callUuid);
    return json_decode(json_encode(PlivoMpcGen\ObjectSerializer::sanitizeForSerialization($page)), true);
}

function error_text(Throwable $e): string {
    return substr(get_class($e) . ': ' . $e->getMessage(), 0, 500);
}

// One operation of the spec, by call_user_func_array: the API class named by its tag, the
// method named by the operationId, the path values in order, and the body built from the example
// by the generated ObjectSerializer into the model class named by the requestBody schema. Returns
// the answer written back by the ObjectSerializer (the API's names).
function call_operation(array $cfg, string $url, $op, bool $withQuery) {
    $class = 'PlivoMpcGen\\Api\\' . $op->api;
    $api = new $class(new GuzzleHttp\Client(), conf($cfg, $url));
    $args = array_map(fn($p) => $p[1], $op->path_params);
    if ($op->body_model !== null) {
        $args[] = PlivoMpcGen\ObjectSerializer::deserialize(
            $op->body, '\\PlivoMpcGen\\Model\\' . $op->body_model);
    }
    if ($withQuery) {
        // In the spec's order after the path values.
        foreach ($op->query as $q) $args[] = $q[1];
    }
    $answer = call_user_func_array([$api, $op->id], $args);
    return $answer === null ? null
        : json_decode(json_encode(PlivoMpcGen\ObjectSerializer::sanitizeForSerialization($answer)), true);
}

// An exception as the runner compares it: its class, and the ApiException's status and JSON body.
function raised(Throwable $e): array {
    $out = ['$raises' => get_class($e), '$error' => substr(error_text($e), 0, 300)];
    if ($e instanceof PlivoMpcGen\ApiException) {
        if ($e->getCode()) $out['$status'] = $e->getCode();
        $body = json_decode((string) $e->getResponseBody(), true);
        if ($body !== null) $out['$body'] = $body;
    }
    return $out;
}

if (array_key_exists('operations', $cfg)) {
    $outcome = [];
    $examples = [];
    // Read again as objects: an empty JSON object stays an object (not an empty array).
    $ops = json_decode(file_get_contents($argv[2]))->operations;
    foreach ($ops as $op) {
        // Once without query parameters, and once with each at its example ("<id>+query").
        foreach (count($op->query) ? [false, true] : [false] as $withQuery) {
            $key = $op->id . ($withQuery ? '+query' : '');
            try {
                call_operation($cfg, $cfg['requests_url'], $op, $withQuery);
                $outcome[$key] = 'ok';
            } catch (Throwable $e) {
                $outcome[$key] = substr('error: ' . error_text($e), 0, 500);
            }
        }
    }
    // Every response example, from the base URL that serves it.
    foreach ($ops as $op) {
        $examples[$op->id] = new stdClass();
        foreach ($op->examples as $ex) {
            try {
                $examples[$op->id]->{$ex->name} = call_operation($cfg, $ex->url, $op, false);
            } catch (Throwable $e) {
                $examples[$op->id]->{$ex->name} = raised($e);
            }
        }
    }
    echo json_encode(['client' => 'openapi-generator php', 'operations' => $outcome,
                      'examples' => $examples],
        JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION), "\n";
    exit(0);
}

$parses = [];
foreach ($cfg['examples'] as $name => $url) {
    $api = api($cfg, $url);
    $both = [];
    foreach ([['by_name', 'name', $cfg['mpc_name']], ['by_uuid', 'uuid', $cfg['mpc_uuid']]] as [$key, $by, $mpc]) {
        try {
            $both[$key] = listing($cfg, $api, $by, $mpc);
        } catch (Throwable $e) {
            $both[$key] = ['$error' => error_text($e)];
        }
    }
    $parses[$name] = $both;
}
$calls = [];
$api = api($cfg, $cfg['requests_url']);
foreach ($cfg['request_calls'] as $call) {
    try {
        listing($cfg, $api, $call['by'], $call['mpc'], $call['call_uuid']);
        $calls[$call['id']] = 'ok';
    } catch (Throwable $e) {
        $calls[$call['id']] = substr('error: ' . error_text($e), 0, 300);
    }
}
echo json_encode(['client' => 'openapi-generator php', 'parses' => $parses, 'calls' => $calls],
    JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION), "\n";
