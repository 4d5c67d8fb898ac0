import type { ProviderResolver } from '../src/providers/ports';
import { registry, type ProcessorRegistry } from '../src/recovery/step-processor';
import { checkWindowProcessor } from './check-window';
import { cutoverProcessor } from './cutover';
import { drillSmokeProcessor } from './drill-smoke';
import { gateProcessor } from './gate';
import { restoreProcessor } from './restore';
import { retainOldProcessor } from './retain-old';
import { teardownProcessor } from './teardown';
import { validateProcessor } from './validate';
import { verifyHealthProcessor } from './verify-health';
import { waitAvailableProcessor } from './wait-available';

/** Every step kind a plan may contain; the worker refuses kinds not listed here. */
export function stepProcessors(providers: ProviderResolver): ProcessorRegistry {
  return registry(
    gateProcessor,
    checkWindowProcessor(providers),
    restoreProcessor(providers),
    waitAvailableProcessor(providers),
    validateProcessor(providers),
    cutoverProcessor(providers),
    verifyHealthProcessor(providers),
    drillSmokeProcessor(providers),
    teardownProcessor(providers),
    retainOldProcessor(providers),
  );
}
