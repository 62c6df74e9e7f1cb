// Side-effect imports: each installs the Tensor methods of one ops area.
import './core.js';
import './nn.js';
import './math.js';
import './sort.js';
